// Signing in (POST/GET/DELETE /api/session), first-run setup (/api/setup) and roles.
import { z } from "zod";

/** viewer: reads; editor: edits drafts, publishes, rolls back; admin: users, tokens, settings, everything */
export const Role = z.enum(["viewer", "editor", "admin"]);
export type Role = z.infer<typeof Role>;

export const MIN_PASSWORD = 12;
export const Email = z.string().trim().toLowerCase().pipe(z.email({ message: "must be an email address" }));
export const Password = z.string().min(MIN_PASSWORD, { message: `must be at least ${MIN_PASSWORD} characters` }).max(256);

/** POST /api/session: sign in with an account. */
export const LoginBody = z.object({ email: Email, password: z.string().min(1, { message: "is required" }) });
export type LoginBody = z.infer<typeof LoginBody>;

export const SessionUser = z.object({ id: z.string(), email: z.string(), name: z.string() });

/** GET /api/session: who is calling. `actor` is the name the audit records (kept from the admin-token days). */
export const Session = z.object({
  actor: z.string(),
  /** user: a signed-in account; token: a named API token; bootstrap: SIGNALBOX_ADMIN_TOKEN; system: the console */
  kind: z.enum(["user", "token", "bootstrap", "system"]),
  role: Role,
  user: SessionUser.nullable(),
  /** GET: whether the caller may change the environment the request acted on (its role, and an editor's environments) */
  mayChange: z.boolean().optional(),
  /** GET: the environments an editor is limited to; null: every one */
  environments: z.array(z.string()).nullable().optional(),
});
export type Session = z.infer<typeof Session>;
export const LoggedOut = z.object({ ok: z.literal(true) });

/** GET /api/setup: whether the console still needs its first admin (no account exists). */
export const SetupState = z.object({ needed: z.boolean() });
export type SetupState = z.infer<typeof SetupState>;

/** POST /api/setup: the first admin (refused with 409 once any account exists). */
export const SetupBody = z.object({ email: Email, name: z.string().trim().min(1, { message: "is required" }).max(100), password: Password });
export type SetupBody = z.infer<typeof SetupBody>;
