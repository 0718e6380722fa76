// Accounts, sessions, roles and CSRF against the real console (production build, its SQLite file, no worker),
// started with no account at all: the first-run setup (two racing requests: one 201, one 409), sign-in with a new
// session id every time, every API route's answer to an anonymous request and to a viewer's write (the routes
// are read from app/api/**/route.ts, so a new route cannot escape), a removed user and a revoked session stopping
// at once, the per-account lockout and the per-address rate limit of sign-in (audited with the address), and the
// CSRF rule for cookie-authenticated writes. SIGNALBOX_TRUST_PROXY=1 lets each test speak from its own address
// (X-Forwarded-For), so the per-address limit of one test does not reach another.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditList } from "../../lib/contract/audit";
import { Session, SetupState } from "../../lib/contract/session";
import { SessionList, User } from "../../lib/contract/accounts";
import { api, assertBuilt, ConsoleProcess, errorBody, freePort, parsed, ROOT, tmpDir, type ApiAnswer } from "./harness";

const TOKEN = "accounts-token-" + Math.random().toString(36).slice(2);
const ADMIN = { email: "root@accounts.test", name: "Root", password: "first admin password" };
let dataDir: string;
let consoleProc: ConsoleProcess;
let bearer: ReturnType<typeof api>;
let base: string;
let nextAddress = 1;
/** a fresh client address (X-Forwarded-For, trusted by this console) */
const address = () => `10.9.0.${nextAddress++}`;

/** The session cookie (`signalbox_session=…`) a response sets, or null. */
function cookieOf(r: ApiAnswer): string | null {
  const set = r.headers.getSetCookie().find((c) => c.startsWith("signalbox_session="));
  return set ? set.split(";")[0] : null;
}

/** A request as a browser page of the console sends it: the cookie, and the console's own Origin on writes. */
async function asBrowser(cookie: string | null, method: string, p: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer> {
  const h: Record<string, string> = { ...(method === "GET" ? {} : { origin: base }), ...headers };
  if (cookie) h.cookie = cookie;
  return api(base, null)(method, p, body, h);
}

async function signIn(email: string, password: string, from = "10.9.9.9", headers: Record<string, string> = {}): Promise<ApiAnswer> {
  return api(base, null)("POST", "/api/session", { email, password }, { "x-forwarded-for": from, ...headers });
}

async function signedIn(email: string, password: string): Promise<string> {
  const r = await signIn(email, password, address());
  expect(r.status, r.text).toBe(200);
  return cookieOf(r)!;
}

let adminCookie: string;

async function createUser(email: string, role: "viewer" | "editor" | "admin", password = `${role} password 123`): Promise<{ id: string; password: string }> {
  const r = await asBrowser(adminCookie, "POST", "/api/users", { email, name: email.split("@")[0], password, role });
  expect(r.status, r.text).toBe(201);
  return { id: parsed(r, User).id, password };
}

beforeAll(async () => {
  assertBuilt();
  dataDir = tmpDir("signalbox-accounts-");
  consoleProc = new ConsoleProcess({
    dataDir, port: await freePort(), token: TOKEN, starterPort: await freePort(), workerAdminPort: await freePort(),
    env: { SIGNALBOX_WORKER: "off", SIGNALBOX_TRUST_PROXY: "1", SIGNALBOX_TRUSTED_ORIGINS: "https://ops.accounts.test" },
  });
  await consoleProc.start();
  base = consoleProc.base;
  bearer = api(base, TOKEN);
}, 60_000);

afterAll(async () => {
  await consoleProc?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("first run", () => {
  it("sends a page to /setup while no account exists; two racing setups: one 201 with a session, one 409", async () => {
    expect(await api(base, null).as(SetupState, "GET", "/api/setup")).toEqual({ needed: true });
    const page = await fetch(base + "/", { redirect: "manual" });
    expect(page.headers.get("location")).toMatch(/\/setup$/);

    const setup = (email: string) => api(base, null)("POST", "/api/setup", { email, name: "Root", password: ADMIN.password });
    const short = await api(base, null)("POST", "/api/setup", { email: "x@accounts.test", name: "x", password: "too short" });
    expect(short.status).toBe(400);
    expect(errorBody(short).error.message).toMatch(/password: must be at least 12 characters/);

    const answers = await Promise.all([setup(ADMIN.email), setup("other@accounts.test")]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    const won = answers.find((a) => a.status === 201)!;
    expect(parsed(won, Session)).toMatchObject({ kind: "user", role: "admin" });
    const setCookie = won.headers.getSetCookie().find((c) => c.startsWith("signalbox_session="))!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).not.toMatch(/Secure/i); // plain http: Secure only over HTTPS
    expect(errorBody(answers.find((a) => a.status === 409)!).error.code).toBe("conflict");
    expect(await api(base, null).as(SetupState, "GET", "/api/setup")).toEqual({ needed: false });

    // the winner is the one admin; sign in with whichever email won
    ADMIN.email = parsed(won, Session).user!.email;
    adminCookie = cookieOf(won)!;
    expect(await asBrowser(adminCookie, "GET", "/api/session").then((r) => parsed(r, Session))).toMatchObject({ actor: ADMIN.email, role: "admin" });
  });

  it("an HTTPS request (X-Forwarded-Proto behind a trusted proxy) gets a Secure cookie", async () => {
    const r = await signIn(ADMIN.email, ADMIN.password, address(), { "x-forwarded-proto": "https" });
    expect(r.status, r.text).toBe(200);
    expect(r.headers.getSetCookie().find((c) => c.startsWith("signalbox_session="))).toMatch(/;\s*Secure/i);
  });
});

describe("sessions", () => {
  it("every sign-in gets a new session id, whatever cookie the request carried (no session fixation)", async () => {
    const before = await signedIn(ADMIN.email, ADMIN.password);
    const again = await signIn(ADMIN.email, ADMIN.password, address(), { cookie: before, origin: base });
    expect(again.status, again.text).toBe(200);
    const after = cookieOf(again)!;
    expect(after).toBeTruthy();
    expect(after).not.toBe(before);
    const mine = parsed(await asBrowser(after, "GET", "/api/sessions"), SessionList);
    expect(mine.filter((s) => s.current)).toHaveLength(1);
    expect(mine.find((s) => s.current)!.address).toMatch(/^10\.9\.0\./);
  });

  it("a revoked session stops working at once; the user's other sessions go on", async () => {
    const u = await createUser("two-browsers@accounts.test", "editor");
    const a = await signedIn("two-browsers@accounts.test", u.password);
    const b = await signedIn("two-browsers@accounts.test", u.password);
    const listed = parsed(await asBrowser(a, "GET", "/api/sessions"), SessionList);
    expect(listed).toHaveLength(2);
    const bId = listed.find((s) => !s.current)!.id;
    expect((await asBrowser(a, "DELETE", `/api/sessions/${bId}`)).status).toBe(204);
    expect((await asBrowser(b, "GET", "/api/session")).status).toBe(401);
    expect((await asBrowser(a, "GET", "/api/session")).status).toBe(200);

    // someone else's session is not mine to revoke
    const other = parsed(await asBrowser(adminCookie, "GET", "/api/sessions"), SessionList)[0];
    expect((await asBrowser(a, "DELETE", `/api/sessions/${other.id}`)).status).toBe(404);

    // an admin revokes all of a user's sessions
    const revoked = await asBrowser(adminCookie, "DELETE", `/api/users/${u.id}/sessions`);
    expect(revoked.json).toEqual({ revoked: 1 });
    expect((await asBrowser(a, "GET", "/api/session")).status).toBe(401);
  });

  it("a removed user stops at once, and sign-out ends the session", async () => {
    const u = await createUser("leaver@accounts.test", "editor");
    const c = await signedIn("leaver@accounts.test", u.password);
    expect((await asBrowser(c, "GET", "/api/draft/status")).status).toBe(200);
    expect((await asBrowser(adminCookie, "DELETE", `/api/users/${u.id}`)).status).toBe(204);
    expect((await asBrowser(c, "GET", "/api/draft/status")).status).toBe(401);
    expect((await signIn("leaver@accounts.test", u.password, address())).status).toBe(401);

    const s = await signedIn(ADMIN.email, ADMIN.password);
    const out = await asBrowser(s, "DELETE", "/api/session");
    expect(out.status).toBe(200);
    expect(out.headers.getSetCookie().join("\n")).toMatch(/signalbox_session=;.*Max-Age=0/i);
    expect((await asBrowser(s, "GET", "/api/session")).status).toBe(401);
  });

  it("the last admin can be neither demoted nor removed", async () => {
    const admins = parsed(await asBrowser(adminCookie, "GET", "/api/users"), User.array()).filter((u) => u.role === "admin");
    expect(admins).toHaveLength(1);
    expect((await asBrowser(adminCookie, "PUT", `/api/users/${admins[0].id}`, { role: "viewer" })).status).toBe(409);
    expect((await asBrowser(adminCookie, "DELETE", `/api/users/${admins[0].id}`)).status).toBe(409);
  });
});

describe("sign-in limits", () => {
  it("5 failures lock the account's password sign-in for 15 minutes, from any address; audited with email and address", async () => {
    const u = await createUser("locked@accounts.test", "viewer");
    for (let i = 0; i < 5; i++) {
      const r = await signIn("locked@accounts.test", "wrong password!", address());
      expect(r.status, `attempt ${i + 1}: ${r.text}`).toBe(401);
      expect(errorBody(r).error.message).toBe("wrong email or password");
    }
    const locked = await signIn("locked@accounts.test", u.password, address());
    expect(locked.status).toBe(429);
    expect(errorBody(locked).error).toMatchObject({ code: "locked", message: expect.stringMatching(/locked for 15 more minutes/) });
    // another account signs in as usual
    expect((await signIn(ADMIN.email, ADMIN.password, address())).status).toBe(200);

    const audit = await bearer.as(AuditList, "GET", "/api/audit?limit=200&action=auth.login_failed");
    const mine = audit.filter((e) => e.target === "locked@accounts.test");
    expect(mine).toHaveLength(6);
    expect(mine[0].details).toMatchObject({ email: "locked@accounts.test", reason: "locked", address: expect.stringMatching(/^10\.9\.0\./) });
    expect(mine[5].details).toMatchObject({ reason: "wrong email or password" });
  });

  it("one address gets 30 sign-in attempts a minute; the 31st is refused, another address is not", async () => {
    const from = address();
    for (let i = 0; i < 30; i++) {
      const r = await signIn(`nobody${i}@accounts.test`, "whatever password", from);
      expect(r.status, `attempt ${i + 1}: ${r.text}`).toBe(401);
    }
    const limited = await signIn("nobody-else@accounts.test", "whatever password", from);
    expect(limited.status).toBe(429);
    expect(errorBody(limited).error.code).toBe("rate_limited");
    expect((await signIn(ADMIN.email, ADMIN.password, from)).status).toBe(429);
    expect((await signIn(ADMIN.email, ADMIN.password, address())).status).toBe(200);
  });
});

describe("CSRF", () => {
  it("refuses a cookie-authenticated write from another origin or without any origin; accepts same-origin, trusted origins and Bearer", async () => {
    const write = (headers: Record<string, string>, cookie: string | null = adminCookie, client = api(base, null)) =>
      client("POST", "/api/environments", { name: `csrf-${Math.random().toString(36).slice(2, 8)}` }, { ...(cookie ? { cookie } : {}), ...headers });
    const refused: Record<string, string>[] = [{ origin: "http://evil.example" }, {}, { "sec-fetch-site": "cross-site" }];
    for (const h of refused) {
      const r = await write(h);
      expect(r.status, JSON.stringify(h)).toBe(403);
      expect(errorBody(r).error.code).toBe("csrf");
    }
    expect((await write({ origin: base })).status).toBe(201);
    expect((await write({ "sec-fetch-site": "same-origin" })).status).toBe(201);
    expect((await write({ origin: "https://ops.accounts.test" })).status).toBe(201);
    expect((await write({}, null, bearer)).status).toBe(201);
    // better-auth's own endpoints check the origin the same way
    const out = await api(base, null)("POST", "/api/auth/sign-out", {}, { cookie: adminCookie, origin: "http://evil.example" });
    expect(out.status).toBe(403);
    expect((await asBrowser(adminCookie, "GET", "/api/session")).status).toBe(200);
  });
});

// ---------------------------------------------------------------- every route

/** Each app/api route file's URL (params filled in) and exported methods, read as text (no import). */
function routes(): { file: string; url: string; methods: string[] }[] {
  const dir = path.join(ROOT, "app", "api");
  const out: { file: string; url: string; methods: string[] }[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === "route.ts") {
        const text = fs.readFileSync(p, "utf8");
        const methods = new Set<string>();
        for (const m of text.matchAll(/export\s+(?:const|async\s+function|function)\s+(GET|HEAD|POST|PUT|PATCH|DELETE)\b/g)) methods.add(m[1]);
        for (const m of text.matchAll(/export\s*\{([^}]*)\}/g)) for (const a of m[1].matchAll(/\bas\s+(GET|HEAD|POST|PUT|PATCH|DELETE)\b/g)) methods.add(a[1]);
        const rel = path.relative(path.join(ROOT, "app"), path.dirname(p)).split(path.sep);
        const url = "/" + rel.map((s) => (s.startsWith("[...") ? "x/y" : s.startsWith("[") ? "x" : s)).join("/");
        out.push({ file: path.relative(ROOT, p), url, methods: [...methods] });
      }
    }
  };
  walk(dir);
  return out;
}

/** Routes open without authentication, by design. */
const PUBLIC: Record<string, string[]> = {
  "/api/setup": ["GET", "POST"],
  "/api/session": ["POST", "DELETE"],
  "/api/auth/x/y": ["GET", "POST"],
  "/api/session/two-factor": ["POST"],
};
/** Writes a viewer may make: ending their own sessions, their own second factor, and the POSTs that change nothing. */
const VIEWER_WRITES: Record<string, string[]> = {
  "/api/routes/explain": ["POST"],
  "/api/draft/route-tests/run": ["POST"],
  "/api/sessions/x": ["DELETE"],
  "/api/session": ["DELETE", "POST"],
  "/api/session/two-factor": ["POST"],
  "/api/account/two-factor": ["POST"],
  "/api/account/two-factor/confirm": ["POST"],
  "/api/account/two-factor/disable": ["POST"],
};

describe("every API route", () => {
  const all = routes();

  it("finds the route files (the walk itself works)", () => {
    expect(all.length).toBeGreaterThan(40);
    expect(all.find((r) => r.url === "/api/versions")?.methods.sort()).toEqual(["GET", "POST"]);
    expect(all.find((r) => r.url === "/api/x/y")?.methods.sort()).toEqual(["DELETE", "GET", "PATCH", "POST", "PUT"]);
    expect(all.every((r) => r.methods.length > 0), JSON.stringify(all.filter((r) => !r.methods.length))).toBe(true);
  });

  it("answers 401 to an anonymous request, except the public ones", async () => {
    const wrong: string[] = [];
    for (const r of all)
      for (const m of r.methods) {
        if (PUBLIC[r.url]?.includes(m)) continue;
        const a = await api(base, null)(m, r.url, m === "GET" ? undefined : {});
        if (a.status !== 401) wrong.push(`${m} ${r.url} (${r.file}): ${a.status} ${a.text.slice(0, 120)}`);
      }
    expect(wrong).toEqual([]);
  });

  it("answers 403 forbidden to a viewer's write, naming the role it needs", async () => {
    const u = await createUser("watcher@accounts.test", "viewer");
    const viewer = await signedIn("watcher@accounts.test", u.password);
    expect((await asBrowser(viewer, "GET", "/api/draft/status")).status).toBe(200);
    const wrong: string[] = [];
    let checked = 0;
    for (const r of all)
      for (const m of r.methods) {
        if (m === "GET" || m === "HEAD" || PUBLIC[r.url]?.includes(m) || VIEWER_WRITES[r.url]?.includes(m)) continue;
        checked++;
        const a = await asBrowser(viewer, m, r.url, {});
        const body = a.json as { error?: { code?: string; message?: string } } | undefined;
        if (a.status !== 403 || body?.error?.code !== "forbidden" || !/needs the (editor|admin) role; you are a viewer/.test(body.error.message ?? ""))
          wrong.push(`${m} ${r.url} (${r.file}): ${a.status} ${a.text.slice(0, 160)}`);
      }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(20);
    // reads an admin keeps to admins
    for (const p of ["/api/users", "/api/backup", "/api/tokens", "/api/settings/sso"]) expect((await asBrowser(viewer, "GET", p)).status, p).toBe(403);
  });

  it("lets a viewer use the route tester and run route tests, which change nothing", async () => {
    const u = await createUser("tester@accounts.test", "viewer");
    const viewer = await signedIn("tester@accounts.test", u.password);
    const state = async () => {
      const status = (await asBrowser(viewer, "GET", "/api/draft/status")).json as { revision: number; draftHash: string };
      const audit = (await bearer.as(AuditList, "GET", "/api/audit?limit=5")).map((e) => e.id);
      return { revision: status.revision, draftHash: status.draftHash, audit };
    };
    const before = await state();
    const explain = await asBrowser(viewer, "POST", "/api/routes/explain", { host: "example.com", path: "/" });
    expect(explain.status, explain.text).toBe(200);
    expect((explain.json as { draft: { outcome: { summary: string } } }).draft.outcome.summary).toBeTruthy();
    const suite = { tests: [{ test_name: "root", input: { authority: "example.com", path: "/", method: "GET" }, validate: { cluster_name: "nowhere" } }] };
    const run = await asBrowser(viewer, "POST", "/api/draft/route-tests/run", { suite });
    expect(run.status, run.text).toBe(200);
    expect((run.json as { tests: number }).tests).toBe(1);
    // still refused what does change something, and the CSRF rule still applies to these POSTs
    expect((await asBrowser(viewer, "PUT", "/api/draft/route-tests", suite)).status).toBe(403);
    expect((await asBrowser(viewer, "POST", "/api/routes/explain", { host: "example.com", path: "/" }, { origin: "https://evil.test" })).status).toBe(403);
    expect(await state()).toEqual(before);
  });

  it("lets an editor edit but not administer", async () => {
    const u = await createUser("builder@accounts.test", "editor");
    const editor = await signedIn("builder@accounts.test", u.password);
    const settings = await asBrowser(editor, "PUT", "/api/settings", { retentionHours: 2 });
    expect(settings.status).toBe(403);
    expect(errorBody(settings).error.message).toMatch(/needs the admin role; you are an editor/);
    const env = await asBrowser(editor, "POST", "/api/environments", { name: "editors-env" });
    expect(env.status, env.text).toBe(201);
    // the audit names the editor, how they authenticated and from where
    const entry = (await bearer.as(AuditList, "GET", "/api/audit?limit=50&action=environment.create")).find((e) => e.target === "editors-env")!;
    expect(entry).toMatchObject({ actor: "builder@accounts.test", actorKind: "user", source: "127.0.0.1" });
  });
});
