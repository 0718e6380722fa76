// Named API tokens and worker tokens (GET/POST /api/tokens, DELETE /api/tokens/{id}). A token's secret
// (`sbx_<base64url>`) is in the answer of the POST that creates it and nowhere else: lists carry its prefix only.
import { z } from "zod";
import { IsoTime } from "./common";
import { EnvironmentName } from "./environments";
import { Role } from "./session";
import { TeamName } from "./teams";

/** Where workers connect, for the command the Nodes page shows. */
export { WORKER_WS_PATH } from "../../proxy-core/src/protocol";

export const TokenKind = z.enum(["api", "worker"]);
export type TokenKind = z.infer<typeof TokenKind>;

/** Names: what the audit and the Nodes dialog show; a worker token's is usually its node's id. */
export const TokenName = z
  .string()
  .trim()
  .min(1, "a token needs a name")
  .max(80, "a token name is at most 80 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._:@-]*$/, "a token name is letters, digits, spaces and . _ : @ - (starting with a letter or digit)");

export const ApiTokenInfo = z.object({
  id: z.string(),
  name: z.string(),
  kind: TokenKind,
  /** api tokens: what the token may do; null for worker tokens */
  role: Role.nullable(),
  /** worker tokens: the only environment its worker may join; null: every environment */
  environment: z.string().nullable(),
  /** api tokens: the team it acts for (an editor token changes only what the team owns); null: none */
  team: z.string().nullable(),
  /** the secret's first characters ("sbx_ab12"), to tell tokens apart */
  prefix: z.string(),
  createdBy: z.string(),
  createdAt: IsoTime,
  expiresAt: IsoTime.nullable(),
  lastUsedAt: IsoTime.nullable(),
  /** expiresAt has passed: the token no longer works */
  expired: z.boolean(),
});
export type ApiTokenInfo = z.infer<typeof ApiTokenInfo>;

/** Tokens not revoked, newest first (expired ones included, marked). */
export const ApiTokenList = z.array(ApiTokenInfo);

export const CreateTokenBody = z
  .object({
    name: TokenName,
    kind: TokenKind,
    /** api tokens only (default viewer) */
    role: Role.optional(),
    /** worker tokens only: the environment its worker may join */
    environment: EnvironmentName.optional(),
    /** api tokens only: the team it acts for (which must exist) */
    team: TeamName.optional(),
    /** none: it never expires */
    expiresInDays: z.number().int().min(1).max(3650).optional(),
  })
  .superRefine((b, ctx) => {
    if (b.kind === "worker" && b.role !== undefined) ctx.addIssue({ code: "custom", path: ["role"], message: "a worker token has no role" });
    if (b.kind === "worker" && b.team !== undefined) ctx.addIssue({ code: "custom", path: ["team"], message: "a worker token has no team" });
    if (b.kind === "api" && b.environment !== undefined) ctx.addIssue({ code: "custom", path: ["environment"], message: "only a worker token is scoped to an environment" });
  });
export type CreateTokenBody = z.infer<typeof CreateTokenBody>;

/** 201: the token, and its secret, shown this once. */
export const CreatedToken = z.object({ token: ApiTokenInfo, secret: z.string() });
export type CreatedToken = z.infer<typeof CreatedToken>;

/** DELETE /api/tokens/{id}: the token as it was revoked; a connected worker using it is disconnected at once. */
export const RevokedToken = z.object({ token: ApiTokenInfo, revokedAt: IsoTime, disconnected: z.number().int() });
export type RevokedToken = z.infer<typeof RevokedToken>;
