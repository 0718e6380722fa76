import { describe, expect, it } from "vitest";
import { changedFields, rebaseForm } from "./rebase-form";

describe("rebaseForm", () => {
  const opened = { prefix: "/a", timeout: "", cluster: "x", thresholds: { max: "1", min: "" }, endpoints: [{ host: "h", port: "1" }] };

  it("keeps what I changed and takes everything else from the latest draft", () => {
    const mine = { ...opened, prefix: "/mine" };
    const latest = { ...opened, timeout: "5s", cluster: "y" };
    expect(rebaseForm(opened, mine, latest)).toEqual({ ...opened, prefix: "/mine", timeout: "5s", cluster: "y" });
    expect(changedFields(opened, mine)).toEqual(["prefix"]);
  });

  it("mine wins where both changed the same field; nested objects are merged field by field", () => {
    const mine = { ...opened, prefix: "/mine", thresholds: { max: "9", min: "" } };
    const latest = { ...opened, prefix: "/theirs", thresholds: { max: "1", min: "4" } };
    expect(rebaseForm(opened, mine, latest)).toEqual({ ...opened, prefix: "/mine", thresholds: { max: "9", min: "4" } });
  });

  it("compares arrays whole, with the comparison the form gives", () => {
    const withKeys = (keys: number[]) => ({ eps: keys.map((key) => ({ key, port: "1" })) });
    const sameIgnoringKeys = (a: unknown, b: unknown) => JSON.stringify(a, (k, v) => (k === "key" ? undefined : v)) === JSON.stringify(b, (k, v) => (k === "key" ? undefined : v));
    const latest = { eps: [{ key: 9, port: "2" }] };
    // untouched (only the keys differ): the latest endpoints
    expect(rebaseForm(withKeys([1]), withKeys([1]), latest, sameIgnoringKeys)).toEqual(latest);
    // changed: mine, whole
    expect(rebaseForm(withKeys([1]), { eps: [{ key: 1, port: "3" }] }, latest, sameIgnoringKeys)).toEqual({ eps: [{ key: 1, port: "3" }] });
  });
});
