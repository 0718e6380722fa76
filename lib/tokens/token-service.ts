// Named tokens (GET/POST /api/tokens, DELETE /api/tokens/{id}): create one (its secret answered once), list them
// without secrets, revoke one (a worker connected with it is disconnected at once), and find the live token
// behind a secret (token-actor.ts for the API, worker-grant.ts for /ws/worker). Every create and revoke is audited.
import type { Actor } from "../actor";
import type { ApiTokenInfo, CreateTokenBody, CreatedToken, RevokedToken, TokenKind } from "../contract/tokens";
import type { Role } from "../contract/session";
import { getControlPlane } from "../control-plane/registry";
import { conflict, notFound } from "../errors";
import { addAudit } from "../repos/audit-repo";
import { findApiToken, findApiTokenByHash, findLiveApiTokenByName, insertApiToken, listLiveApiTokens, revokeApiToken, touchApiToken, type ApiTokenRow } from "../repos/api-token-repo";
import { transaction } from "../repos/transaction";
import { hashSecret, looksLikeSecret, newSecret, prefixOf } from "./secret";
import { existingTeams } from "../repos/team-repo";
import { ApiError } from "../errors";

const DAY_MS = 24 * 3600 * 1000;
/** lastUsedAt is written at most this often per token: a busy client must not turn every read into a write */
const TOUCH_EVERY_MS = 60_000;

/** Who creates or revokes a token: the Actor of the request (the admin role: withHandler checks it), or "system" (the console). */
export type Caller = Actor | string;

export const callerName = (c: Caller): string => (typeof c === "string" ? c : c.name);

function isExpired(t: Pick<ApiTokenRow, "expiresAt">, now = Date.now()): boolean {
  return t.expiresAt !== null && t.expiresAt.getTime() <= now;
}

export function tokenInfo(t: ApiTokenRow): ApiTokenInfo {
  return {
    id: t.id, name: t.name, kind: t.kind as TokenKind, role: (t.role as Role | null) ?? null, environment: t.environment, team: t.team ?? null,
    prefix: t.prefix, createdBy: t.createdBy, createdAt: t.createdAt.toISOString(), expiresAt: t.expiresAt?.toISOString() ?? null,
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null, expired: isExpired(t),
  };
}

export async function listTokens(): Promise<ApiTokenInfo[]> {
  return (await listLiveApiTokens()).map(tokenInfo);
}

export async function createToken(body: CreateTokenBody, by: Caller): Promise<CreatedToken> {
  const secret = newSecret();
  const row = await transaction(async (tx) => {
    if (await findLiveApiTokenByName(body.name, tx)) throw conflict(`a token named ${body.name} exists already (revoke it first, or pick another name)`);
    if (body.team !== undefined && (await existingTeams([body.team], tx)).length === 0)
      throw new ApiError(400, "bad_request", `team: there is no team ${body.team}`, { errors: [{ path: "team", message: `there is no team ${body.team}` }] });
    const created = await insertApiToken(
      {
        name: body.name, kind: body.kind, role: body.kind === "api" ? (body.role ?? "viewer") : null,
        environment: body.kind === "worker" ? (body.environment ?? null) : null,
        team: body.kind === "api" ? (body.team ?? null) : null,
        hash: hashSecret(secret), prefix: prefixOf(secret), createdBy: callerName(by),
        expiresAt: body.expiresInDays ? new Date(Date.now() + body.expiresInDays * DAY_MS) : null,
      },
      tx,
    );
    await addAudit(tx, {
      actor: by, action: "token.create", target: created.name,
      details: { id: created.id, kind: created.kind, role: created.role, environment: created.environment, team: created.team, prefix: created.prefix, expiresAt: created.expiresAt },
    });
    return created;
  });
  return { token: tokenInfo(row), secret };
}

/** Revokes token `id` (404 when there is none, or it is revoked already) and disconnects the workers using it. */
export async function revokeToken(id: string, by: Caller): Promise<RevokedToken> {
  const at = new Date();
  const row = await transaction(async (tx) => {
    const t = await findApiToken(id, tx);
    if (!t || !(await revokeApiToken(id, at, tx))) throw notFound(`token ${id} does not exist or is revoked already`);
    await addAudit(tx, { actor: by, action: "token.revoke", target: t.name, details: { id: t.id, kind: t.kind, prefix: t.prefix } });
    return t;
  });
  const disconnected = row.kind === "worker" ? (getControlPlane()?.closeTokenSessions?.(row.id, "worker token revoked") ?? 0) : 0;
  return { token: tokenInfo({ ...row, revokedAt: at }), revokedAt: at.toISOString(), disconnected };
}

/**
 * The token of kind `kind` behind `secret` when it is live (not revoked, not expired), else null, without saying
 * which of those it was: the caller answers one 401 for all of them. Records the use (at most once a minute).
 */
export async function liveToken(secret: string | null | undefined, kind: TokenKind): Promise<ApiTokenRow | null> {
  if (!looksLikeSecret(secret)) return null;
  const t = await findApiTokenByHash(hashSecret(secret));
  if (!t || t.kind !== kind || t.revokedAt !== null || isExpired(t)) return null;
  const now = new Date();
  if (!t.lastUsedAt || now.getTime() - t.lastUsedAt.getTime() >= TOUCH_EVERY_MS) await touchApiToken(t.id, now).catch(() => {});
  return t;
}

/** Why a secret is not a live token of `kind`, for the audit only (never for the client). */
export async function refusalReason(secret: string | null | undefined, kind: TokenKind): Promise<string> {
  if (!secret) return "no token";
  if (!looksLikeSecret(secret)) return "not a Signalbox token";
  const t = await findApiTokenByHash(hashSecret(secret));
  if (!t) return "unknown token";
  if (t.revokedAt) return `revoked token ${t.name}`;
  if (isExpired(t)) return `expired token ${t.name}`;
  if (t.kind !== kind) return `${t.kind} token ${t.name} used as a ${kind} token`;
  return "accepted";
}
