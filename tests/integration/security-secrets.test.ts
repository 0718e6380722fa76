// Secrets never come back through a GET: against the real console (production build, its SQLite file, no worker),
// an API token and a worker token are created, a user is given a password and signed in, and then every GET
// endpoint (read from app/api/**/route.ts, as accounts.test.ts walks them, with real ids in place of the
// parameters; better-auth's own GET endpoints named) is fetched as an admin, with the session cookie and with the
// bootstrap token. No body and no header other than the sign-in's own Set-Cookie may hold: a token's secret, the
// bootstrap token, a password, a session token, the single sign-on client secret, the cookie-signing key, or any
// stored hash or secret column (read from the database itself, so a column added later, e.g. a TOTP key, is
// covered the day it holds something); nor any line of an uploaded TLS private key, which the database file
// holds only sealed.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CreatedToken } from "../../lib/contract/tokens";
import { User } from "../../lib/contract/accounts";
import { execFileSync } from "node:child_process";
import { api, assertBuilt, ConsoleProcess, freePort, parsed, ROOT, tmpDir, type ApiAnswer } from "./harness";

/** A self-signed certificate and its key, made by the openssl CLI. */
function tlsPair(): { cert: string; key: string } {
  const d = tmpDir("signalbox-secrets-pem-");
  try {
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "k.pem", "-out", "c.pem", "-days", "90", "-subj", "/CN=web.secrets.test"], { cwd: d, stdio: ["ignore", "ignore", "pipe"] });
    return { cert: fs.readFileSync(path.join(d, "c.pem"), "utf8"), key: fs.readFileSync(path.join(d, "k.pem"), "utf8") };
  } finally {
    fs.rmSync(d, { recursive: true, force: true });
  }
}

const TOKEN = "secrets-bootstrap-" + Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
const ADMIN = { email: "root@secrets.test", password: "admin password " + Math.random().toString(36).slice(2) };
const USER = { email: "someone@secrets.test", password: "user password " + Math.random().toString(36).slice(2) };
let dataDir: string;
let consoleProc: ConsoleProcess;
let base: string;
let bearer: ReturnType<typeof api>;
/** better-auth's endpoints that read sessions, and what the walk found them showing (see the last test) */
const BETTER_AUTH_SESSION_READS = ["/api/auth/get-session", "/api/auth/list-sessions"];
let authLeaks: string[] = ["the walk did not run"];

beforeAll(async () => {
  assertBuilt();
  dataDir = tmpDir("signalbox-secrets-");
  consoleProc = new ConsoleProcess({
    dataDir, port: await freePort(), token: TOKEN, starterPort: await freePort(), workerAdminPort: await freePort(),
    admin: ADMIN, env: { SIGNALBOX_WORKER: "off" },
  });
  await consoleProc.start();
  base = consoleProc.base;
  bearer = api(base, TOKEN);
}, 60_000);

afterAll(async () => {
  await consoleProc?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

function cookieOf(r: ApiAnswer): string {
  const set = r.headers.getSetCookie().find((c) => c.startsWith("signalbox_session="));
  if (!set) throw new Error(`${r.method} ${r.path}: no session cookie (${r.status} ${r.text.slice(0, 200)})`);
  return set.split(";")[0];
}

/** Every GET route file's URL pattern, e.g. /api/versions/[id]/diff (accounts.test.ts reads them the same way). */
function getRoutes(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === "route.ts") {
        const text = fs.readFileSync(p, "utf8");
        if (/export\s+(?:const|async\s+function|function)\s+GET\b/.test(text) || /\bas\s+GET\b/.test(text))
          out.push("/" + path.relative(path.join(ROOT, "app"), path.dirname(p)).split(path.sep).join("/"));
      }
    }
  };
  walk(path.join(ROOT, "app", "api"));
  return out;
}

/** Every string worth hiding that the database holds: hashes, password hashes, session tokens, secret columns. */
function storedSecrets(): string[] {
  const db = new Database(path.join(dataDir, "signalbox.db"), { readonly: true });
  try {
    const out: string[] = [];
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
    // where credentials live (ConfigVersion.hash is a content hash the console shows, so not every "hash" is secret)
    const secretTables = /^(ApiToken|User|Session|Account|Verification|TwoFactor|Sso\w*)$/;
    const secretColumn = /hash|password|secret|^token$|accessToken|refreshToken|idToken|backupCodes|^value$/i;
    for (const t of tables.filter((n) => secretTables.test(n))) {
      const cols = (db.prepare(`PRAGMA table_info("${t}")`).all() as { name: string }[]).map((c) => c.name).filter((c) => secretColumn.test(c));
      for (const c of cols)
        for (const row of db.prepare(`SELECT "${c}" AS v FROM "${t}"`).all() as { v: unknown }[])
          if (typeof row.v === "string" && row.v.length >= 12) out.push(row.v);
    }
    return out;
  } finally {
    db.close();
  }
}

/** A GET's answer as text, streams (SSE) read for at most `ms`. */
async function fetchText(url: string, headers: Record<string, string>, ms = 1500): Promise<{ status: number; text: string; headers: Headers }> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), ms);
  try {
    const r = await fetch(url, { headers, signal: ac.signal, redirect: "manual" });
    let text = "";
    try {
      const reader = r.body?.getReader();
      const dec = new TextDecoder();
      for (;;) {
        if (!reader) break;
        const { done, value } = await reader.read();
        if (done) break;
        text += dec.decode(value, { stream: true });
      }
    } catch (e) {
      if ((e as Error).name !== "AbortError") throw e;
    }
    return { status: r.status, text, headers: r.headers };
  } finally {
    clearTimeout(timer);
  }
}

describe("secrets through GET", () => {
  it("no GET endpoint answers with a token secret, a password, a session token, the signing key or a stored hash", async () => {
    // an admin session, a user with a password, an API token and a worker token
    const adminSignIn = await api(base, null)("POST", "/api/session", { email: ADMIN.email, password: ADMIN.password });
    expect(adminSignIn.status, adminSignIn.text).toBe(200);
    const adminCookie = cookieOf(adminSignIn);
    const asAdmin = api(base, null);
    const admin = (m: string, p: string, body?: unknown) => asAdmin(m, p, body, { cookie: adminCookie, origin: base });
    const user = await admin("POST", "/api/users", { email: USER.email, name: "Someone", password: USER.password, role: "editor" });
    expect(user.status, user.text).toBe(201);
    const userId = parsed(user, User).id;
    const userCookie = cookieOf(await api(base, null)("POST", "/api/session", { email: USER.email, password: USER.password }));
    const apiToken = parsed(await admin("POST", "/api/tokens", { name: "ci-deploy", kind: "api", role: "editor" }), CreatedToken);
    const workerToken = parsed(await admin("POST", "/api/tokens", { name: "edge-worker", kind: "worker" }), CreatedToken);
    expect(apiToken.secret).toMatch(/^sbx_/);
    // single sign-on's client secret, saved in the settings (GET /api/settings/sso says only "set")
    const ssoSecret = "sso-client-secret-" + Math.random().toString(36).slice(2);
    const sso = await admin("PUT", "/api/settings/sso", { name: "Corp", issuer: "http://127.0.0.1:9/issuer", clientId: "signalbox", clientSecret: ssoSecret, scopes: ["openid"], groupsClaim: "groups", groupMapping: { groups: {} } });
    expect(sso.status, sso.text).toBe(200);
    // the API token works: it is a real secret
    expect((await api(base, apiToken.secret)("GET", "/api/draft/status")).status).toBe(200);
    // a TLS certificate and its key, uploaded as a secret (sealed at rest; only its facts are ever answered)
    const pem = tlsPair();
    const upload = await admin("POST", "/api/secrets", { name: "web-cert", certificate_chain: pem.cert, private_key: pem.key });
    expect(upload.status, upload.text).toBe(201);
    expect(upload.text).not.toContain("PRIVATE KEY");
    const keyLines = pem.key.split("\n").filter((l) => /^[A-Za-z0-9+/]{64}$/.test(l));
    expect(keyLines.length).toBeGreaterThan(10);
    // encrypted at rest: no line of the key is in the database file (nor its write-ahead log)
    for (const f of ["signalbox.db", "signalbox.db-wal"].map((n) => path.join(dataDir, n)).filter((f) => fs.existsSync(f))) {
      const bytes = fs.readFileSync(f).toString("latin1");
      for (const l of keyLines) expect(bytes.includes(l), `${path.basename(f)} holds a line of the private key`).toBe(false);
    }

    const cookieValue = (c: string) => decodeURIComponent(c.slice(c.indexOf("=") + 1));
    const named: Record<string, string> = {
      "the API token's secret": apiToken.secret,
      "the worker token's secret": workerToken.secret,
      "the bootstrap token": TOKEN,
      "the admin's password": ADMIN.password,
      "the user's password": USER.password,
      "the admin's session cookie": cookieValue(adminCookie),
      "the admin's session token": cookieValue(adminCookie).split(".")[0],
      "the user's session token": cookieValue(userCookie).split(".")[0],
      "the SSO client secret": ssoSecret,
      "the cookie-signing key": fs.readFileSync(path.join(dataDir, "auth-secret"), "utf8").trim(),
      "the console's secret key": fs.readFileSync(path.join(dataDir, "secret-key"), "utf8").trim(),
    };
    keyLines.forEach((l, i) => (named[`line ${i + 1} of the TLS private key`] = l));
    const stored = storedSecrets();
    // the database holds at least the two token hashes, the two password hashes and the sessions' tokens
    expect(stored.length).toBeGreaterThanOrEqual(6);
    stored.forEach((s, i) => (named[`stored secret #${i} (${s.slice(0, 6)}…)`] = s));
    for (const [what, s] of Object.entries(named)) expect(s.length, what).toBeGreaterThanOrEqual(12);

    // real ids for the parameters
    const versions = (await bearer("GET", "/api/versions")).json as { items?: { id: string }[] } | { id: string }[];
    const versionId = (Array.isArray(versions) ? versions : (versions.items ?? []))[0]?.id ?? "x";
    const cfg = (await bearer("GET", "/api/config")).json as { static_resources: { clusters: { name: string }[] } };
    const cluster = cfg.static_resources.clusters[0]?.name ?? "x";
    const fill: Record<string, string> = { "/api/users/[id]": userId, "/api/versions/[id]": versionId, "/api/telemetry/clusters/[name]": encodeURIComponent(cluster) };
    const urls = getRoutes().map((p) => {
      let u = p.replace("/api/auth/[...all]", "/api/auth/get-session").replace("/api/[...path]", "/api/no-such-endpoint");
      for (const [pattern, value] of Object.entries(fill)) u = u.split(pattern).join(pattern.replace(/\[[^\]]+\]$/, value));
      return u;
    });
    expect(urls.length).toBeGreaterThan(30);
    expect(urls.some((u) => u.includes("["))).toBe(false);
    // better-auth's own GET endpoints, besides get-session
    urls.push("/api/auth/list-sessions", "/api/auth/list-accounts", `/api/versions/${versionId}/diff?against=${versionId}`, "/api/audit?limit=500");

    const leaks: string[] = [];
    let answered = 0;
    for (const u of urls)
      for (const [who, headers] of [
        ["admin session", { cookie: adminCookie }],
        ["user session", { cookie: userCookie }],
        ["bootstrap token", { authorization: `Bearer ${TOKEN}` }],
      ] as const) {
        const r = await fetchText(base + u, headers);
        if (r.status < 500) answered++;
        else leaks.push(`${who} GET ${u}: ${r.status} ${r.text.slice(0, 200)}`);
        const seen = r.text + "\n" + [...r.headers.entries()].filter(([k]) => k !== "set-cookie").map(([k, v]) => `${k}: ${v}`).join("\n");
        for (const [what, s] of Object.entries(named)) if (seen.includes(s)) leaks.push(`${who} GET ${u} (${r.status}) shows ${what}`);
      }
    authLeaks = leaks.filter((l) => BETTER_AUTH_SESSION_READS.some((p) => l.includes(` GET ${p} `)));
    expect(leaks.filter((l) => !authLeaks.includes(l))).toEqual([]);
    expect(answered).toBe(urls.length * 3);
  });

  // better-auth answers its get-session and list-sessions with each session's `token` (the value the HTTP-only
  // cookie carries), so a script in the page could read what HttpOnly hides, and list-sessions hands out the
  // tokens of the user's other sessions: the console does not serve them (app/api/auth/[...all]/route.ts).
  it("better-auth's get-session and list-sessions are not served, so no session token leaves in a body", () => {
    expect(authLeaks).toEqual([]);
  });
});
