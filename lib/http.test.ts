import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { withHandler } from "./http";
import { notFound } from "./errors";
import { sameOriginRequest } from "./accounts/request-source";

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
  const echo = withHandler({ body: z.object({ a: z.number() }), query: z.object({ n: z.coerce.number() }) }, async ({ body, query, actor }) => ({ a: body.a, n: query.n, actor: actor.name, kind: actor.kind }));

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
    expect(await r.json()).toEqual({ a: 1, n: 2, actor: "admin", kind: "bootstrap" });
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

describe("CSRF", () => {
  const write = withHandler({ auth: false }, async () => ({ ok: true }));
  const cookieReq = (headers: Record<string, string>, method = "POST") =>
    new Request("http://console.test/api/thing", { method, headers: { host: "console.test", cookie: "signalbox_session=abc", ...headers } });

  it("refuses a write with the session cookie from another origin, or with no origin information at all", async () => {
    const cases: Record<string, string>[] = [{ origin: "http://evil.test" }, {}, { "sec-fetch-site": "cross-site" }, { origin: "http://console.test.evil.test" }];
    for (const h of cases) {
      const r = await write(cookieReq(h));
      expect(r.status).toBe(403);
      expect((await r.json()).error.code).toBe("csrf");
    }
  });

  it("accepts the console's own origin, same-origin Fetch Metadata and SIGNALBOX_TRUSTED_ORIGINS", () => {
    expect(sameOriginRequest(cookieReq({ origin: "http://console.test" }))).toBe(true);
    expect(sameOriginRequest(cookieReq({ "sec-fetch-site": "same-origin" }))).toBe(true);
    expect(sameOriginRequest(cookieReq({ origin: "https://console.test" }))).toBe(false);
    process.env.SIGNALBOX_TRUSTED_ORIGINS = "https://ops.example.com, http://evil.test/";
    try {
      expect(sameOriginRequest(cookieReq({ origin: "http://evil.test" }))).toBe(true);
    } finally {
      delete process.env.SIGNALBOX_TRUSTED_ORIGINS;
    }
  });

  it("exempts Bearer writes (no ambient credential) and reads", async () => {
    const r = await write(cookieReq({ origin: "http://evil.test", authorization: `Bearer ${TOKEN}` }));
    expect(r.status).toBe(200);
  });
});
