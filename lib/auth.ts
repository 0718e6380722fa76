// Who is calling. In this order: the bootstrap admin token (SIGNALBOX_ADMIN_TOKEN, or generated into
// <data dir>/admin-token on first start) as `Authorization: Bearer`, for automation and the first worker; a named
// API token as Bearer (lib/tokens/token-actor.ts); the signalbox_session cookie of a signed-in account
// (lib/accounts/session-actor.ts). A Bearer that is neither token is refused: it never falls back to the cookie.
import fs from "node:fs";
import path from "node:path";
import { randomBytes, timingSafeEqual } from "node:crypto";
import { dataDir } from "./env";
import type { Actor } from "./actor";
import { tokenActor } from "./tokens/token-actor";
import { sessionActor } from "./accounts/session-actor";
import { requestSource } from "./accounts/request-source";

export { SESSION_COOKIE } from "./accounts/auth";
/** What the audit and version authors show for the bootstrap admin token (its name from before accounts existed). */
export const ADMIN_ACTOR = "admin";

export function bootstrapActor(source: string | null): Actor {
  return { kind: "bootstrap", id: "bootstrap", name: ADMIN_ACTOR, role: "admin", sessionId: null, source, teams: [] };
}

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

/** How a request authenticated: `via` says whether an ambient credential (the cookie) carried it. */
export interface Resolved {
  actor: Actor;
  via: "bearer" | "cookie";
  /** the signed-in account behind a cookie */
  user: { id: string; email: string; name: string } | null;
  /** Set-Cookie values to pass on (better-auth extended the session) */
  setCookies: string[];
}

/** The actor behind a request, or null (anonymous, or a Bearer that is no live token). */
export async function resolveActor(headers: Headers): Promise<Resolved | null> {
  const source = requestSource(headers);
  const bearer = bearerToken(headers.get("authorization"));
  if (bearer) {
    if (checkToken(bearer)) return { actor: bootstrapActor(source), via: "bearer", user: null, setCookies: [] };
    const t = await tokenActor(bearer, source);
    return t ? { actor: t, via: "bearer", user: null, setCookies: [] } : null;
  }
  const s = await sessionActor(headers);
  return s ? { actor: s.actor, via: "cookie", user: s.user, setCookies: s.setCookies } : null;
}

/** For server components and layouts: `await getSessionActor(await headers())` → the signed-in actor, or null (go to /login). */
export async function getSessionActor(headers: Headers): Promise<Actor | null> {
  return (await sessionActor(headers))?.actor ?? null;
}
