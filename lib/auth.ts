// One admin token (SIGNALBOX_ADMIN_TOKEN, or generated into <data dir>/admin-token on first start).
// API clients send `Authorization: Bearer <token>`; the browser holds the `signalbox_session` cookie,
// whose value is an HMAC of the token (never the token itself).
import fs from "node:fs";
import path from "node:path";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { dataDir } from "./env";

export const SESSION_COOKIE = "signalbox_session";
export const ADMIN_ACTOR = "admin";

export function adminTokenFile(): string {
  return path.join(dataDir(), "admin-token");
}

/** The admin token, or null when none is configured yet (server.ts creates it at start). */
export function adminToken(): string | null {
  const env = process.env.SIGNALBOX_ADMIN_TOKEN;
  if (env) return env;
  try {
    const t = fs.readFileSync(adminTokenFile(), "utf8").trim();
    return t || null;
  } catch {
    return null;
  }
}

/** Called once by server.ts: returns the token, generating and storing one when there is none. */
export function ensureAdminToken(): { token: string; generated: boolean } {
  const existing = adminToken();
  if (existing) return { token: existing, generated: false };
  const token = randomBytes(24).toString("base64url");
  fs.mkdirSync(dataDir(), { recursive: true });
  fs.writeFileSync(adminTokenFile(), token + "\n", { mode: 0o600 });
  return { token, generated: true };
}

export function sessionValue(token: string): string {
  return createHmac("sha256", token).update("signalbox-session:v1").digest("base64url");
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function checkToken(candidate: string | null | undefined): boolean {
  const token = adminToken();
  return !!token && !!candidate && safeEqual(candidate, token);
}

export function bearerToken(header: string | null | undefined): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return m ? m[1] : null;
}

function checkSession(value: string | null | undefined): boolean {
  const token = adminToken();
  return !!token && !!value && safeEqual(value, sessionValue(token));
}

function cookieFromHeader(header: string | null, name: string): string | null {
  for (const part of (header ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return null;
}

/** The actor behind a request (Bearer token or session cookie), or null. */
export function authenticate(headers: Headers): string | null {
  if (checkToken(bearerToken(headers.get("authorization")))) return ADMIN_ACTOR;
  if (checkSession(cookieFromHeader(headers.get("cookie"), SESSION_COOKIE))) return ADMIN_ACTOR;
  return null;
}

/**
 * For server components and layouts: `getSessionActor(await cookies())` → "admin" when the
 * signalbox_session cookie is valid, else null (redirect to /login).
 */
export function getSessionActor(cookies: { get(name: string): { value: string } | undefined }): string | null {
  return checkSession(cookies.get(SESSION_COOKIE)?.value) ? ADMIN_ACTOR : null;
}

/** Set-Cookie header value for a session (httpOnly, SameSite=Lax, 30 days) or for clearing it. */
export function sessionCookie(token: string | null): string {
  if (token === null) return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;
  return `${SESSION_COOKIE}=${sessionValue(token)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${30 * 24 * 3600}`;
}
