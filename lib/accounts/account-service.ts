// Accounts: the first admin (first-run setup or SIGNALBOX_ADMIN_EMAIL/PASSWORD at start), sign-in and sign-out
// through better-auth, and the admin's users list (create with a role, change a role or the environments an editor
// may change, remove). Every change is audited with its actor.
import type { Actor } from "../actor";
import { ApiError, conflict, notFound, unauthorized } from "../errors";
import { recordAudit } from "../repos/audit-repo";
import { countAdmins, countUsers, deleteUser, findUser, findUserByEmail, listUsers, setUserEnvironments, setUserRole, type UserRow } from "../repos/user-repo";
import { listEnvironments } from "../repos/environment-repo";
import { deleteUserSessions } from "../repos/auth-session-repo";
import { MIN_PASSWORD, type LoginBody, type Role, type SetupBody } from "../contract/session";
import type { CreateUserBody, PatchUserBody, User } from "../contract/accounts";
import { auth } from "./auth";
import { requestOrigin, secureIfHttps } from "./request-source";
import { toRole } from "./roles";

const LOCK = Symbol.for("signalbox.accountCreation");

/**
 * Runs account creation one at a time in this process: two first-run setups racing both see "no user yet" otherwise.
 * One console process serves a database, so an in-process queue is enough.
 */
function serialized<T>(fn: () => Promise<T>): Promise<T> {
  const g = globalThis as unknown as Record<symbol, Promise<unknown> | undefined>;
  const run = (g[LOCK] ?? Promise.resolve()).then(fn, fn);
  g[LOCK] = run.catch(() => undefined);
  return run;
}

export function toUser(u: UserRow): User {
  return { id: u.id, email: u.email, name: u.name, role: toRole(u.role), createdAt: u.createdAt.toISOString(), environments: u.environments };
}

/** Creates an account with a scrypt-hashed password (better-auth's); 409 when the email is taken. */
async function insertAccount(a: { email: string; name: string; password: string; role: Role }): Promise<UserRow> {
  if (await findUserByEmail(a.email)) throw conflict(`an account for ${a.email} already exists`);
  const ctx = await auth().$context;
  const hash = await ctx.password.hash(a.password);
  const user = await ctx.internalAdapter.createUser({ email: a.email, name: a.name, emailVerified: false, role: a.role }, { method: "admin" });
  await ctx.internalAdapter.linkAccount({ userId: user.id, providerId: "credential", accountId: user.id, password: hash });
  const row = await findUser(user.id);
  if (!row) throw new Error(`account ${a.email} vanished after its creation`);
  return row;
}

export async function setupNeeded(): Promise<boolean> {
  return (await countUsers()) === 0;
}

/** The first admin, from the setup page: 409 once any account exists. */
export async function createFirstAdmin(body: SetupBody, source: string | null): Promise<UserRow> {
  return serialized(async () => {
    if ((await countUsers()) > 0) throw conflict("the console is already set up: sign in instead");
    const row = await insertAccount({ ...body, role: "admin" });
    await recordAudit({ actor: row.email, actorKind: "user", source, action: "auth.setup", target: row.id, details: { email: row.email } });
    return row;
  });
}

/** server.ts: SIGNALBOX_ADMIN_EMAIL + SIGNALBOX_ADMIN_PASSWORD create that admin; an existing account is left alone. */
export async function ensureEnvAdmin(log: (line: string) => void): Promise<void> {
  const email = process.env.SIGNALBOX_ADMIN_EMAIL?.trim().toLowerCase();
  const password = process.env.SIGNALBOX_ADMIN_PASSWORD;
  if (!email && !password) return;
  if (!email || !password) return log("[accounts] SIGNALBOX_ADMIN_EMAIL and SIGNALBOX_ADMIN_PASSWORD go together: no admin created");
  if (password.length < MIN_PASSWORD) return log(`[accounts] SIGNALBOX_ADMIN_PASSWORD is shorter than ${MIN_PASSWORD} characters: no admin created`);
  await serialized(async () => {
    if (await findUserByEmail(email)) return log(`[accounts] ${email} already exists: left as it is (its password was not changed)`);
    const row = await insertAccount({ email, name: email.split("@")[0], password, role: "admin" });
    await recordAudit({ actor: "system", action: "user.create", target: row.id, details: { email, role: "admin", from: "SIGNALBOX_ADMIN_EMAIL" } });
    log(`[accounts] created the admin ${email} (SIGNALBOX_ADMIN_EMAIL)`);
  });
}

/**
 * What a sign-in answers: the account and the Set-Cookie values of its new session, or, for an account with TOTP
 * on, `twoFactor` and the cookie of the pending code challenge (POST /api/session/two-factor finishes it).
 */
export type SignedIn = { user: UserRow; twoFactor: false; setCookies: string[] } | { user: null; twoFactor: true; setCookies: string[] };

/**
 * Password sign-in through better-auth's own endpoint (its per-address rate limit, origin check, our lockout and
 * audit hooks all apply). Errors: 401 wrong email or password, 429 `locked` (the account) or `rate_limited` (the
 * address), 403 from its origin check.
 */
export async function signIn(body: LoginBody, req: Request): Promise<SignedIn> {
  const headers = new Headers(req.headers);
  headers.delete("content-length");
  headers.set("content-type", "application/json");
  // A client without an Origin (a script, curl) reaches this through withHandler, whose CSRF rule already let it
  // through (no session cookie, or a same-origin page); better-auth refuses an Origin-less sign-in, so name ours.
  if (!headers.get("origin")) headers.set("origin", requestOrigin(req));
  const res = await auth().handler(new Request(new URL("/api/auth/sign-in/email", req.url), { method: "POST", headers, body: JSON.stringify({ email: body.email, password: body.password, rememberMe: true }) }));
  const out = (await res.json().catch(() => ({}))) as { user?: { id?: string }; code?: string; message?: string; twoFactorRedirect?: boolean };
  if (res.ok && out.twoFactorRedirect === true) return { user: null, twoFactor: true, setCookies: secureIfHttps(res.headers.getSetCookie(), req.headers) };
  if (res.ok && out.user?.id) {
    const user = await findUser(out.user.id);
    if (!user) throw unauthorized("wrong email or password");
    return { user, twoFactor: false, setCookies: secureIfHttps(res.headers.getSetCookie(), req.headers) };
  }
  if (res.status === 401) throw unauthorized("wrong email or password");
  if (res.status === 429 && out.code === "ACCOUNT_LOCKED") throw new ApiError(429, "locked", out.message ?? "this account is locked");
  if (res.status === 429) throw new ApiError(429, "rate_limited", `too many sign-in attempts from this address: try again in ${res.headers.get("x-retry-after") ?? "a few"} seconds`);
  if (res.status === 403) throw new ApiError(403, "csrf", `sign-in refused: ${out.message ?? "untrusted origin"}`);
  throw new ApiError(res.status >= 400 && res.status < 500 ? res.status : 500, "sign_in_failed", out.message ?? `sign-in failed (HTTP ${res.status})`);
}

/** Signs a first admin in right after setup (same path as the login page). */
export async function signInAfterSetup(body: SetupBody, req: Request): Promise<SignedIn> {
  return signIn({ email: body.email, password: body.password }, req);
}

/** Ends the request's session (deletes its row) and returns the Set-Cookie values that clear the cookie. */
export async function signOut(req: Request, actor: Actor): Promise<string[]> {
  const clear = [`signalbox_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`];
  if (actor.kind !== "user") return clear;
  try {
    const r = await auth().api.signOut({ headers: req.headers, returnHeaders: true });
    await recordAudit({ actor, action: "auth.logout", target: actor.id, details: {} });
    const set = r.headers?.getSetCookie?.() ?? [];
    return set.length ? secureIfHttps(set, req.headers) : clear;
  } catch {
    return clear;
  }
}

export async function users(): Promise<User[]> {
  return (await listUsers()).map(toUser);
}

export async function createUser(body: CreateUserBody, actor: Actor): Promise<User> {
  const row = await serialized(() => insertAccount(body));
  await recordAudit({ actor, action: "user.create", target: row.id, details: { email: row.email, role: row.role } });
  return toUser(row);
}

async function existing(id: string): Promise<UserRow> {
  const u = await findUser(id);
  if (!u) throw notFound(`no user ${id}`);
  return u;
}

/** Changes a role; the last admin cannot be demoted (nobody could manage users any more). */
export async function changeRole(id: string, role: Role, actor: Actor): Promise<User> {
  const u = await existing(id);
  if (u.role === "admin" && role !== "admin" && (await countAdmins()) <= 1) throw conflict(`${u.email} is the only admin: make another user admin first`);
  const row = await setUserRole(id, role);
  await recordAudit({ actor, action: "user.role", target: id, details: { email: u.email, from: u.role, to: role } });
  return toUser(row);
}

/** The environments list as stored: existing names (400 with the field path otherwise), once each; [] is null. */
async function checkedEnvironments(names: string[] | null): Promise<string[] | null> {
  if (names === null || names.length === 0) return null;
  const known = new Set((await listEnvironments()).map((e) => e.name));
  const i = names.findIndex((n) => !known.has(n));
  if (i >= 0) {
    const message = `environment ${names[i]} does not exist`;
    throw new ApiError(400, "bad_request", `invalid body: environments.${i}: ${message}`, { errors: [{ path: `environments.${i}`, message }] });
  }
  return [...new Set(names)];
}

/**
 * PATCH /api/users/{id}: the role and/or the environments an editor may change (null: every one). Checked in full
 * before anything changes; each change audited (`user.role`, `user.environments`) and read on the user's next request.
 */
export async function updateUser(id: string, body: PatchUserBody, actor: Actor): Promise<User> {
  const u = await existing(id);
  const environments = body.environments === undefined ? undefined : await checkedEnvironments(body.environments);
  let out = toUser(u);
  if (body.role !== undefined && body.role !== u.role) out = await changeRole(id, body.role, actor);
  if (environments !== undefined && JSON.stringify(environments) !== JSON.stringify(u.environments)) {
    out = toUser(await setUserEnvironments(id, environments));
    await recordAudit({ actor, action: "user.environments", target: id, details: { email: u.email, from: u.environments, to: environments } });
  }
  return out;
}

/** Removes a user: their sessions end at once (deleted with the user). The last admin cannot be removed. */
export async function removeUser(id: string, actor: Actor): Promise<void> {
  const u = await existing(id);
  if (u.role === "admin" && (await countAdmins()) <= 1) throw conflict(`${u.email} is the only admin: make another user admin first`);
  await deleteUserSessions(id);
  await deleteUser(id);
  await recordAudit({ actor, action: "user.remove", target: id, details: { email: u.email, role: u.role } });
}

