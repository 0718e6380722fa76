// Single sign-on against a real OpenID Connect provider (oidc-provider on 127.0.0.1) and the real console
// (production build, its SQLite file): the whole authorization-code flow driven with plain HTTP requests (redirects
// followed by hand, the provider's login and consent forms submitted), the groups claim mapped to a role on every
// sign-in, an existing account linked by its verified email, and a wrong client secret or a tampered state refused
// with a readable error on the login page and an audit entry.
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditList } from "../../lib/contract/audit";
import { Session } from "../../lib/contract/session";
import { SocialSignIn, SsoSettings, User, UserList } from "../../lib/contract/accounts";
import { TeamList } from "../../lib/contract/teams";
import { api, ConsoleProcess, errorBody, freePort, parsed, startTestConsole } from "./harness";
import { startOidcProvider, type TestProvider } from "../support/oidc-provider";

const TOKEN = "sso-token-" + Math.random().toString(36).slice(2);
let proc: ConsoleProcess;
let dataDir: string;
let base: string;
let idp: TestProvider;
let bearer: ReturnType<typeof api>;
const MAPPING = { groups: { "sbx-admins": { role: "admin" as const }, "payments-devs": { role: "editor" as const, teams: ["payments"] } } };

/** Cookies of one site, as a browser keeps them (enough for these two servers: no domains, no paths). */
class Jar {
  private readonly cookies = new Map<string, string>();
  take(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(";");
      const i = pair.indexOf("=");
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      const gone = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split("=")[1]) < Date.now()));
      if (gone || !value) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  has(name: string): boolean {
    return this.cookies.has(name);
  }
}

interface Landing { url: URL; res: Response; console: Jar }

/** GET with the jar of the host, keeping what it sets; no redirect followed. */
async function visit(url: URL, jars: { console: Jar; idp: Jar }, init: RequestInit = {}): Promise<Response> {
  const jar = url.origin === base ? jars.console : jars.idp;
  const headers = new Headers(init.headers);
  const c = jar.header();
  if (c) headers.set("cookie", c);
  const res = await fetch(url, { ...init, headers, redirect: "manual" });
  jar.take(res);
  return res;
}

/**
 * Clicks "Sign in with …" and signs in at the provider as `sub`: follows every redirect by hand, submits the login
 * form (login = sub, any password) and the consent form, and stops at the first answer of the console's callback
 * (or earlier, when `tamper` rewrites the callback URL).
 */
async function ssoSignIn(sub: string, tamper?: (callback: URL) => URL): Promise<Landing> {
  const jars = { console: new Jar(), idp: new Jar() };
  const start = await visit(new URL("/api/auth/sign-in/social", base), jars, {
    method: "POST",
    headers: { "content-type": "application/json", origin: base },
    body: JSON.stringify({ provider: "oidc", callbackURL: "/", errorURL: "/login" }),
  });
  expect(start.status, await start.clone().text()).toBe(200);
  let url = new URL(SocialSignIn.parse(await start.json()).url);
  expect(url.origin).toBe(idp.issuer);
  expect(url.searchParams.get("code_challenge_method")).toBe("S256");
  expect(url.searchParams.get("state")).toBeTruthy();
  for (let hop = 0; hop < 20; hop++) {
    if (url.origin === base && url.pathname.startsWith("/api/auth/callback/")) {
      if (tamper) url = tamper(url);
      const res = await visit(url, jars);
      return { url, res, console: jars.console };
    }
    const res = await visit(url, jars);
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get("location")!, url);
      continue;
    }
    const html = await res.text();
    expect(res.status, html.slice(0, 500)).toBe(200);
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    expect(action, html.slice(0, 500)).toBeTruthy();
    const form = new URLSearchParams({ prompt: prompt ?? "" });
    if (prompt === "login") {
      form.set("login", sub);
      form.set("password", "any password");
    }
    const posted = await visit(new URL(action!.replace(/&amp;/g, "&"), url), jars, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form.toString() });
    expect(posted.status, await posted.clone().text()).toBeGreaterThanOrEqual(300);
    url = new URL(posted.headers.get("location")!, url);
  }
  throw new Error(`no callback to the console after 20 hops (last: ${url})`);
}

async function configure(clientSecret: string): Promise<void> {
  const r = await bearer("PUT", "/api/settings/sso", { name: "Test IdP", issuer: idp.issuer, clientId: idp.clientId, clientSecret, scopes: ["openid", "email", "profile", "groups"], groupsClaim: "groups", groupMapping: MAPPING });
  expect(r.status, r.text).toBe(200);
}

async function whoAmI(jar: Jar) {
  const r = await api(base, null)("GET", "/api/session", undefined, { cookie: jar.header() });
  expect(r.status, r.text).toBe(200);
  return parsed(r, Session);
}

beforeAll(async () => {
  ({ proc, dataDir } = await startTestConsole("signalbox-sso-", TOKEN, {
    admin: { email: "root@sso.test", password: "root password 1234" },
    env: { SIGNALBOX_WORKER: "off" },
  }));
  base = proc.base;
  bearer = api(base, TOKEN);
  idp = await startOidcProvider({ port: await freePort(), redirectUri: `${base}/api/auth/callback/oidc` });
  idp.accounts.set("alice", { email: "alice@sso.test", name: "Alice", groups: ["sbx-admins", "other"] });
  idp.accounts.set("bob", { email: "bob@sso.test", name: "Bob", groups: ["nobody-maps-this"] });
  idp.accounts.set("carol", { email: "carol@sso.test", name: "Carol", groups: ["payments-devs"] });
  await configure(idp.clientSecret);
}, 90_000);

afterAll(async () => {
  await idp?.stop();
  await proc?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("settings", () => {
  it("never returns the client secret, only that it is set, and names the redirect URI to register", async () => {
    const r = await bearer("GET", "/api/settings/sso");
    expect(r.text).not.toContain(idp.clientSecret);
    const s = parsed(r, SsoSettings);
    expect(s).toMatchObject({ configured: true, name: "Test IdP", clientSecret: "set", issuer: idp.issuer, redirectUri: `${base}/api/auth/callback/oidc` });
    const audit = await bearer("GET", "/api/audit?limit=20&action=settings.sso");
    expect(audit.text).not.toContain(idp.clientSecret);
  });

  it("refuses a bad issuer with the field path, and keeps settings to admins", async () => {
    const bad = await bearer("PUT", "/api/settings/sso", { name: "x", issuer: "not a url", clientId: "c", scopes: [], groupsClaim: "groups", groupMapping: { groups: {} } });
    expect(bad.status).toBe(400);
    expect(errorBody(bad).error.message).toMatch(/issuer/);
    const unmapped = await bearer("PUT", "/api/settings/sso", { name: "x", issuer: idp.issuer, clientId: "c", scopes: [], groupsClaim: "groups", groupMapping: { groups: { g: { role: "owner" } } } });
    expect(unmapped.status).toBe(400);
    expect(errorBody(unmapped).error.message).toMatch(/groupMapping\.groups\.g\.role/);
    const badTeam = await bearer("PUT", "/api/settings/sso", { name: "x", issuer: idp.issuer, clientId: "c", scopes: [], groupsClaim: "groups", groupMapping: { groups: { g: { teams: ["Not A Team"] } } } });
    expect(badTeam.status).toBe(400);
    expect(errorBody(badTeam).error.message).toMatch(/groupMapping\.groups\.g\.teams\.0/);
  });

  it("shows the button on the login page", async () => {
    const html = await (await fetch(`${base}/login`)).text();
    expect(html).toContain("Sign in with Test IdP");
  });
});

describe("sign-in through the provider", () => {
  it("signs a member of the admin group in as an admin, with a session cookie, audited with method sso", async () => {
    const { res, console: jar } = await ssoSignIn("alice");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/");
    expect(jar.has("signalbox_session")).toBe(true);
    const me = await whoAmI(jar);
    expect(me).toMatchObject({ kind: "user", role: "admin", user: { email: "alice@sso.test", name: "Alice" } });
    const audit = await bearer.as(AuditList, "GET", "/api/audit?limit=20&action=auth.login");
    const entry = audit.find((e) => e.actor === "alice@sso.test");
    expect(entry?.details).toMatchObject({ method: "sso", groups: ["sbx-admins", "other"], role: "admin" });
  });

  it("makes an unmapped user a viewer, and re-maps on every sign-in", async () => {
    let me = await whoAmI((await ssoSignIn("bob")).console);
    expect(me.role).toBe("viewer");
    idp.accounts.get("bob")!.groups = ["sbx-admins"];
    me = await whoAmI((await ssoSignIn("bob")).console);
    expect(me.role).toBe("admin");
    idp.accounts.get("bob")!.groups = [];
    me = await whoAmI((await ssoSignIn("bob")).console);
    expect(me.role).toBe("viewer");
  });

  it("gives the highest mapped role and hands the teams to the team membership", async () => {
    idp.accounts.get("carol")!.groups = ["payments-devs"];
    const me = await whoAmI((await ssoSignIn("carol")).console);
    expect(me.role).toBe("editor");
    const audit = await bearer.as(AuditList, "GET", "/api/audit?limit=20&action=auth.login");
    expect(audit.find((e) => e.actor === "carol@sso.test")?.details).toMatchObject({ method: "sso", role: "editor", teams: ["payments"] });
    const inPayments = async () => (await bearer.as(TeamList, "GET", "/api/teams")).find((t) => t.name === "payments")?.members.map((m) => m.email) ?? [];
    expect(await inPayments()).toContain("carol@sso.test");
    idp.accounts.get("carol")!.groups = [];
    expect((await whoAmI((await ssoSignIn("carol")).console)).role).toBe("viewer");
    expect(await inPayments()).not.toContain("carol@sso.test");
  });

  it("links an existing account with the same verified email instead of creating another", async () => {
    const created = await bearer("POST", "/api/users", { email: "dave@sso.test", name: "Dave", password: "dave password 123", role: "editor" });
    expect(created.status, created.text).toBe(201);
    const dave = parsed(created, User);
    idp.accounts.set("dave", { email: "dave@sso.test", name: "Dave (IdP)", groups: ["payments-devs"] });
    const me = await whoAmI((await ssoSignIn("dave")).console);
    expect(me.user?.id).toBe(dave.id);
    const users = await bearer.as(UserList, "GET", "/api/users");
    expect(users.filter((u) => u.email === "dave@sso.test")).toHaveLength(1);
  });

  it("does not link an existing account when the provider has not verified the email", async () => {
    const created = await bearer("POST", "/api/users", { email: "erin@sso.test", name: "Erin", password: "erin password 123", role: "admin" });
    expect(created.status, created.text).toBe(201);
    idp.accounts.set("erin", { email: "erin@sso.test", name: "Erin", groups: [], emailVerified: false });
    const { res, console: jar } = await ssoSignIn("erin");
    expect(jar.has("signalbox_session")).toBe(false);
    expect(res.headers.get("location")).toMatch(/^\/login\?error=/);
  });

  it("refuses a tampered state with a readable error on the login page, audited", async () => {
    const { res, console: jar } = await ssoSignIn("alice", (u) => {
      const t = new URL(u);
      t.searchParams.set("state", "tampered" + t.searchParams.get("state")!.slice(8));
      return t;
    });
    expect(res.status).toBe(302);
    const to = res.headers.get("location")!;
    expect(to).toMatch(/^\/login\?error=/);
    expect(jar.has("signalbox_session")).toBe(false);
    const html = await (await fetch(base + to)).text();
    expect(html).toContain("Single sign-on failed");
    expect(html).toMatch(/did not start in this browser/);
    const failed = await bearer.as(AuditList, "GET", "/api/audit?limit=20&action=auth.login_failed");
    expect(failed.some((e) => (e.details as { method?: string }).method === "sso")).toBe(true);
  });

  it("refuses a wrong client secret: the provider's error reaches the login page and the audit", async () => {
    await configure("not-the-secret");
    try {
      const { res, console: jar } = await ssoSignIn("alice");
      expect(jar.has("signalbox_session")).toBe(false);
      const to = res.headers.get("location")!;
      expect(to).toMatch(/^\/login\?error=invalid_code/);
      const description = new URL(to, base).searchParams.get("error_description") ?? "";
      expect(description).toMatch(/invalid_client/);
      const html = await (await fetch(base + to)).text();
      expect(html).toContain("the provider refused to exchange the code");
      const failed = await bearer.as(AuditList, "GET", "/api/audit?limit=5&action=auth.login_failed");
      expect(failed[0].details).toMatchObject({ method: "sso", error: "invalid_code" });
      expect(JSON.stringify(failed[0].details)).toMatch(/invalid_client/);
    } finally {
      await configure(idp.clientSecret);
    }
    expect((await whoAmI((await ssoSignIn("alice")).console)).role).toBe("admin");
  });
});
