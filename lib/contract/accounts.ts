// Accounts and their sessions: /api/users (admin), /api/sessions (mine), /api/users/{id}/sessions (admin).
import { z } from "zod";
import { IsoTime } from "./common";
import { Email, Password, Role } from "./session";
import { TeamName } from "./teams";
import { EnvironmentName } from "./environments";

export const User = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: Role,
  createdAt: IsoTime,
  /** the environments this user may change as an editor; null: every environment (admins are never limited) */
  environments: z.array(z.string()).nullable(),
});
export type User = z.infer<typeof User>;
export const UserList = z.array(User);

export const CreateUserBody = z.object({ email: Email, name: z.string().trim().min(1, { message: "is required" }).max(100), password: Password, role: Role });
export type CreateUserBody = z.infer<typeof CreateUserBody>;
export const UpdateUserBody = z.object({ role: Role });
export type UpdateUserBody = z.infer<typeof UpdateUserBody>;
/**
 * PATCH /api/users/{id}: what is given changes. `environments`: the environments an editor may change, each an
 * existing environment; null or [] lifts the limit.
 */
export const PatchUserBody = z
  .object({ role: Role.optional(), environments: z.array(EnvironmentName).max(100).nullable().optional() })
  .refine((b) => b.role !== undefined || b.environments !== undefined, { message: "give role or environments" });
export type PatchUserBody = z.infer<typeof PatchUserBody>;

export const SessionInfo = z.object({
  id: z.string(),
  createdAt: IsoTime,
  /** when the session was last extended (at most once an hour while it is in use) */
  lastUsedAt: IsoTime,
  expiresAt: IsoTime,
  /** the address it signed in from */
  address: z.string().nullable(),
  userAgent: z.string().nullable(),
  /** the session this request came with */
  current: z.boolean(),
});
export type SessionInfo = z.infer<typeof SessionInfo>;
export const SessionList = z.array(SessionInfo);
export const RevokedSessions = z.object({ revoked: z.number().int().nonnegative() });

// ---- Single sign-on with OpenID Connect (GET/PUT/DELETE /api/settings/sso, admin) -------------------------------

/** The provider id in better-auth's routes: the redirect URI to register is `<origin>/api/auth/callback/oidc`. */
export const SSO_PROVIDER_ID = "oidc";

/** What members of one provider group get: a role (the highest of all their groups wins) and teams. */
export const GroupRule = z.object({ role: Role.optional(), teams: z.array(TeamName).max(50).optional() });
export type GroupRule = z.infer<typeof GroupRule>;
/** `{"groups": {"sbx-admins": {"role": "admin"}, "payments-devs": {"role": "editor", "teams": ["payments"]}}}` */
export const GroupMapping = z.object({ groups: z.record(z.string().min(1).max(200), GroupRule) });
export type GroupMapping = z.infer<typeof GroupMapping>;

const SsoFields = {
  /** the login button reads "Sign in with <name>" */
  name: z.string().trim().min(1, { message: "is required" }).max(60),
  /** the issuer URL; its `/.well-known/openid-configuration` is read for the endpoints and the signing keys */
  issuer: z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }),
  clientId: z.string().trim().min(1, { message: "is required" }).max(500),
  /** requested scopes; `openid` is always added */
  scopes: z.array(z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, { message: "must be a scope token" })).max(30),
  /** the claim (ID token or userinfo) holding the user's groups, e.g. `groups` */
  groupsClaim: z.string().trim().min(1, { message: "is required" }).max(200),
  groupMapping: GroupMapping,
};

/** GET /api/settings/sso: the effective settings. The client secret is never returned, only whether it is set. */
export const SsoSettings = z.object({
  configured: z.boolean(),
  name: z.string(),
  issuer: z.string(),
  clientId: z.string(),
  clientSecret: z.enum(["set", "unset"]),
  scopes: z.array(z.string()),
  groupsClaim: z.string(),
  groupMapping: GroupMapping,
  /** fields set by SIGNALBOX_OIDC_* (they win over the saved settings and cannot be changed here) */
  fromEnv: z.array(z.enum(["issuer", "clientId", "clientSecret", "groupsClaim"])),
  /** the redirect URI to register at the provider */
  redirectUri: z.string(),
});
export type SsoSettings = z.infer<typeof SsoSettings>;

/** PUT /api/settings/sso. `clientSecret` absent or empty: keep the saved one. */
export const SsoSettingsBody = z.object({ ...SsoFields, clientSecret: z.string().max(2000).optional() });
export type SsoSettingsBody = z.infer<typeof SsoSettingsBody>;

// ---- TOTP second factor (/api/account/two-factor, mine; POST /api/session/two-factor at sign-in) ----------------

export const TotpCode = z.string().trim().regex(/^\d{6}$/, { message: "must be the 6-digit code" });

/** GET /api/account/two-factor */
export const TwoFactorStatus = z.object({ enabled: z.boolean(), passwordAccount: z.boolean() });
export type TwoFactorStatus = z.infer<typeof TwoFactorStatus>;
/** POST /api/account/two-factor {password}: starts enabling; confirmed with a first code. */
export const TwoFactorEnableBody = z.object({ password: z.string().min(1, { message: "is required" }) });
export type TwoFactorEnableBody = z.infer<typeof TwoFactorEnableBody>;
/** The new secret, once: the otpauth URI (for an authenticator app), its key for typing in, the backup codes. */
export const TwoFactorSetup = z.object({ totpUri: z.string(), secret: z.string(), backupCodes: z.array(z.string()) });
export type TwoFactorSetup = z.infer<typeof TwoFactorSetup>;
/** POST /api/account/two-factor/confirm {code} */
export const TwoFactorConfirmBody = z.object({ code: TotpCode });
export type TwoFactorConfirmBody = z.infer<typeof TwoFactorConfirmBody>;
/** POST /api/account/two-factor/disable {password} */
export const TwoFactorDisableBody = TwoFactorEnableBody;

/** POST /api/session/two-factor: the second step of a sign-in, a TOTP code or one backup code. */
export const TwoFactorSignInBody = z.object({ code: z.string().trim().min(6, { message: "is required" }).max(40), backup: z.boolean().optional() });
export type TwoFactorSignInBody = z.infer<typeof TwoFactorSignInBody>;
/** POST /api/session answers this instead of the session when the account has TOTP on: send the code next. */
export const TwoFactorRequired = z.object({ twoFactor: z.literal(true) });

/** better-auth's POST /api/auth/sign-in/social {provider: "oidc", callbackURL, errorURL}: where to send the browser. */
export const SocialSignIn = z.object({ url: z.string(), redirect: z.boolean().optional() });
