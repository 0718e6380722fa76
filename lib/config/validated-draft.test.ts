// The remembered draft serves only the publish of the revision it was validated at, once, per environment.
import { beforeEach, expect, it } from "vitest";
import { forgetValidated, rememberValidated, takeValidated } from "./validated-draft";

const draft = (tag: string) => ({ listeners: [{ name: tag }], clusters: [] });

beforeEach(() => forgetValidated());

it("is taken at its own revision, once", () => {
  const r = draft("a");
  rememberValidated("default", 7, r);
  expect(takeValidated("default", 7)).toBe(r);
  expect(takeValidated("default", 7)).toBeNull();
});

it("is not taken at another revision, and is dropped by the attempt", () => {
  rememberValidated("default", 7, draft("a"));
  expect(takeValidated("default", 8)).toBeNull();
  expect(takeValidated("default", 7)).toBeNull();
});

it("keeps environments apart, and a newer write replaces the older", () => {
  rememberValidated("default", 3, draft("d"));
  rememberValidated("staging", 3, draft("s"));
  rememberValidated("staging", 4, draft("s2"));
  expect(takeValidated("staging", 3)).toBeNull();
  expect(takeValidated("default", 3)?.listeners[0]).toEqual({ name: "d" });
});

it("forgets everything on request (a restore)", () => {
  rememberValidated("default", 1, draft("a"));
  forgetValidated();
  expect(takeValidated("default", 1)).toBeNull();
});
