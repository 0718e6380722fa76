import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { withHandler } from "./http";
import { notFound } from "./errors";
import { authenticate, getSessionActor, sessionCookie, sessionValue, SESSION_COOKIE } from "./auth";

const TOKEN = "test-token-123";
beforeEach(() => {
  process.env.SIGNALBOX_ADMIN_TOKEN = TOKEN;
});
afterEach(() => {
  delete process.env.SIGNALBOX_ADMIN_TOKEN;
});

const req = (init: RequestInit & { auth?: string | null } = {}) => {
  const headers = new Headers(init.headers);
  if (init.auth !== null) headers.set("authorization", `Bearer ${init.auth ?? TOKEN}`);
  return new Request("http://x/api/thing?n=2", { ...init, headers });
};

describe("withHandler", () => {
  const echo = withHandler({ body: z.object({ a: z.number() }), query: z.object({ n: z.coerce.number() }) }, async ({ body, query, actor }) => ({ a: body.a, n: query.n, actor }));

  it("401 without or with a wrong token, before looking at the body", async () => {
    for (const auth of [null, "wrong"]) {
      const r = await echo(req({ method: "POST", body: "{not json", auth }));
      expect(r.status).toBe(401);
      expect(await r.json()).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
    }
  });

  it("400 on malformed JSON and on schema errors", async () => {
    const r1 = await echo(req({ method: "POST", body: "{not json" }));
    expect(r1.status).toBe(400);
    expect((await r1.json()).error.message).toMatch(/malformed JSON/);
    const r2 = await echo(req({ method: "POST", body: JSON.stringify({ a: "x" }) }));
    expect(r2.status).toBe(400);
    expect((await r2.json()).error.code).toBe("bad_request");
  });

  it("passes typed input and the actor", async () => {
    const r = await echo(req({ method: "POST", body: JSON.stringify({ a: 1 }) }));
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ a: 1, n: 2, actor: "admin" });
  });

  it("maps ApiError to its status and unexpected errors to a generic 500", async () => {
    const nf = await withHandler({}, async () => { throw notFound("nope"); })(req());
    expect(nf.status).toBe(404);
    expect(await nf.json()).toEqual({ error: { code: "not_found", message: "nope" } });
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    const boom = await withHandler({}, async () => { throw new Error("secret stack detail"); })(req());
    expect(boom.status).toBe(500);
    const text = await boom.text();
    expect(text).not.toContain("secret");
    expect(JSON.parse(text)).toEqual({ error: { code: "internal", message: "internal server error" } });
    expect(spy).toHaveBeenCalled();
    spy.mockRestore();
  });
});

describe("session cookie", () => {
  it("holds an HMAC of the token, not the token, and authenticates", () => {
    const cookie = sessionCookie(TOKEN);
    expect(cookie).not.toContain(TOKEN);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const headers = new Headers({ cookie: `${SESSION_COOKIE}=${sessionValue(TOKEN)}` });
    expect(authenticate(headers)).toBe("admin");
    expect(authenticate(new Headers({ cookie: `${SESSION_COOKIE}=${TOKEN}` }))).toBeNull();
    expect(getSessionActor({ get: () => ({ value: sessionValue(TOKEN) }) })).toBe("admin");
    expect(getSessionActor({ get: () => undefined })).toBeNull();
  });
});
