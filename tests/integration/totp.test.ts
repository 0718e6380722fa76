// TOTP second factor against the real console (production build, its SQLite file): turning it on with the password
// and a first code, signing in with a code computed here (RFC 6238 over RFC 4226, written below with node:crypto),
// a wrong code refused, a backup code good once, and the per-account password lockout still in force.
// SIGNALBOX_TRUST_PROXY=1 lets each step speak from its own address, so better-auth's per-address limit on
// /two-factor/* (3 in 10 s) does not mix steps.
import crypto from "node:crypto";
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditList } from "../../lib/contract/audit";
import { Session } from "../../lib/contract/session";
import { TwoFactorRequired, TwoFactorSetup, TwoFactorStatus } from "../../lib/contract/accounts";
import { api, ConsoleProcess, errorBody, parsed, startTestConsole, type ApiAnswer } from "./harness";

const TOKEN = "totp-token-" + Math.random().toString(36).slice(2);
const TINA = { email: "tina@totp.test", password: "tina password 1234" };
let proc: ConsoleProcess;
let dataDir: string;
let base: string;
let n = 1;
const from = () => ({ "x-forwarded-for": `10.7.0.${n++}` });

/** RFC 4648 base32 (the otpauth URI's `secret`) to bytes. */
function base32(s: string): Buffer {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of s.replace(/=+$/, "").toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const bytes: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** RFC 6238 TOTP (HMAC-SHA1, 30 s steps, 6 digits) = RFC 4226 HOTP of the step number. */
function totp(secret: string, at = Date.now()): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = crypto.createHmac("sha1", base32(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(value).padStart(6, "0");
}

/** Cookie header from a response's Set-Cookie, merged into what a browser already holds. */
function cookies(prev: string, r: ApiAnswer): string {
  const jar = new Map(prev.split("; ").filter(Boolean).map((c) => [c.slice(0, c.indexOf("=")), c.slice(c.indexOf("=") + 1)] as const));
  for (const c of r.headers.getSetCookie()) {
    const pair = c.split(";")[0];
    const name = pair.slice(0, pair.indexOf("="));
    const value = pair.slice(pair.indexOf("=") + 1);
    if (!value || /max-age=0/i.test(c)) jar.delete(name);
    else jar.set(name, value);
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
}

const call = (cookie: string, method: string, p: string, body?: unknown) =>
  api(base, null)(method, p, body, { ...(cookie ? { cookie } : {}), ...(method === "GET" ? {} : { origin: base }), ...from() });

async function passwordStep(password = TINA.password): Promise<{ r: ApiAnswer; cookie: string }> {
  const r = await call("", "POST", "/api/session", { email: TINA.email, password });
  return { r, cookie: cookies("", r) };
}

beforeAll(async () => {
  ({ proc, dataDir } = await startTestConsole("signalbox-totp-", TOKEN, { env: { SIGNALBOX_WORKER: "off", SIGNALBOX_TRUST_PROXY: "1" } }));
  base = proc.base;
  const created = await api(base, TOKEN)("POST", "/api/users", { email: TINA.email, name: "Tina", password: TINA.password, role: "editor" });
  expect(created.status, created.text).toBe(201);
}, 90_000);

afterAll(async () => {
  await proc?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

let secret = "";
let backupCodes: string[] = [];

describe("turning TOTP on", () => {
  it("needs the password, gives an otpauth URI, its key and backup codes, and is on only after a right code", async () => {
    const { r, cookie: signedIn } = await passwordStep();
    expect(parsed(r, Session).role).toBe("editor");
    let cookie = signedIn;
    expect(parsed(await call(cookie, "GET", "/api/account/two-factor"), TwoFactorStatus)).toEqual({ enabled: false, passwordAccount: true });

    const wrongPassword = await call(cookie, "POST", "/api/account/two-factor", { password: "not my password" });
    expect(wrongPassword.status).toBe(400);
    expect(errorBody(wrongPassword).error.message).toMatch(/^password: /);

    const setup = parsed(await call(cookie, "POST", "/api/account/two-factor", { password: TINA.password }), TwoFactorSetup);
    expect(setup.totpUri).toMatch(/^otpauth:\/\/totp\/Signalbox:tina%40totp\.test\?/);
    expect(setup.secret).toMatch(/^[A-Z2-7]+=*$/);
    expect(setup.backupCodes.length).toBeGreaterThanOrEqual(5);
    secret = setup.secret;
    backupCodes = setup.backupCodes;

    const bad = await call(cookie, "POST", "/api/account/two-factor/confirm", { code: totp(secret, Date.now() - 10 * 60_000) });
    expect(bad.status, bad.text).toBe(400);
    expect(errorBody(bad).error.message).toMatch(/^code: /);
    expect(parsed(await call(cookie, "GET", "/api/account/two-factor"), TwoFactorStatus).enabled).toBe(false);
    const notACode = await call(cookie, "POST", "/api/account/two-factor/confirm", { code: "12ab" });
    expect(notACode.status).toBe(400);
    expect(errorBody(notACode).error.message).toMatch(/code: must be the 6-digit code/);

    const ok = await call(cookie, "POST", "/api/account/two-factor/confirm", { code: totp(secret) });
    expect(ok.status, ok.text).toBe(200);
    cookie = cookies(cookie, ok);
    expect(parsed(ok, TwoFactorStatus).enabled).toBe(true);
    expect(parsed(await call(cookie, "GET", "/api/account/two-factor"), TwoFactorStatus).enabled).toBe(true);
  });
});

describe("signing in with TOTP on", () => {
  it("asks for the code after the password: no session until a right code", async () => {
    const { r, cookie } = await passwordStep();
    expect(r.status, r.text).toBe(200);
    expect(parsed(r, TwoFactorRequired)).toEqual({ twoFactor: true });
    expect(cookie).not.toMatch(/signalbox_session=/);
    expect((await call(cookie, "GET", "/api/session")).status).toBe(401);

    const wrong = await call(cookie, "POST", "/api/session/two-factor", { code: totp(secret, Date.now() + 10 * 60_000) });
    expect(wrong.status, wrong.text).toBe(401);
    expect(errorBody(wrong).error.message).toBe("wrong code");
    expect(cookies(cookie, wrong)).not.toMatch(/signalbox_session=/);

    const right = await call(cookie, "POST", "/api/session/two-factor", { code: totp(secret) });
    expect(right.status, right.text).toBe(200);
    const session = cookies(cookie, right);
    expect(session).toMatch(/signalbox_session=/);
    expect(parsed(await call(session, "GET", "/api/session"), Session).user?.email).toBe(TINA.email);

    const audit = await api(base, TOKEN).as(AuditList, "GET", "/api/audit?limit=50&action=auth.login");
    // the password step and turning TOTP on are no sign-ins: the first sign-in (password) and this one
    expect(audit.filter((e) => e.actor === TINA.email && e.action === "auth.login").map((e) => (e.details as { method?: string }).method)).toEqual(["password+totp", "password"]);
    const changes = await api(base, TOKEN).as(AuditList, "GET", "/api/audit?limit=20&action=user.two_factor");
    expect(changes.map((e) => e.details)).toEqual([{ enabled: true }]);
  });

  it("refuses a code without the password step", async () => {
    const r = await call("", "POST", "/api/session/two-factor", { code: totp(secret) });
    expect(r.status).toBe(401);
  });

  it("takes a backup code once", async () => {
    const first = await passwordStep();
    const ok = await call(first.cookie, "POST", "/api/session/two-factor", { code: backupCodes[0], backup: true });
    expect(ok.status, ok.text).toBe(200);
    expect(cookies(first.cookie, ok)).toMatch(/signalbox_session=/);
    const second = await passwordStep();
    const again = await call(second.cookie, "POST", "/api/session/two-factor", { code: backupCodes[0], backup: true });
    expect(again.status, again.text).toBe(401);
  });

  it("turns off with the password only; then the password alone signs in", async () => {
    const first = await passwordStep();
    const ok = await call(first.cookie, "POST", "/api/session/two-factor", { code: backupCodes[1], backup: true });
    expect(ok.status, ok.text).toBe(200);
    let cookie = cookies(first.cookie, ok);
    const wrong = await call(cookie, "POST", "/api/account/two-factor/disable", { password: "not my password" });
    expect(wrong.status, wrong.text).toBe(400);
    expect(parsed(await call(cookie, "GET", "/api/account/two-factor"), TwoFactorStatus).enabled).toBe(true);
    const off = await call(cookie, "POST", "/api/account/two-factor/disable", { password: TINA.password });
    expect(off.status, off.text).toBe(200);
    cookie = cookies(cookie, off);
    expect(parsed(off, TwoFactorStatus).enabled).toBe(false);
    const plain = await passwordStep();
    expect(parsed(plain.r, Session).user?.email).toBe(TINA.email);

    // on again, with a new key: the old one no longer counts
    const again = parsed(await call(plain.cookie, "POST", "/api/account/two-factor", { password: TINA.password }), TwoFactorSetup);
    expect(again.secret).not.toBe(secret);
    const confirmed = await call(plain.cookie, "POST", "/api/account/two-factor/confirm", { code: totp(again.secret) });
    expect(confirmed.status, confirmed.text).toBe(200);
    secret = again.secret;
    expect(parsed((await passwordStep()).r, TwoFactorRequired)).toEqual({ twoFactor: true });
  });

  it("keeps the per-account lockout with TOTP on: 5 wrong passwords lock the account, the right one then gets 429", async () => {
    for (let i = 0; i < 5; i++) expect((await passwordStep("wrong password " + i)).r.status).toBe(401);
    const locked = await passwordStep();
    expect(locked.r.status).toBe(429);
    expect(errorBody(locked.r).error.code).toBe("locked");
    expect(locked.cookie).toBe("");
  });
});
