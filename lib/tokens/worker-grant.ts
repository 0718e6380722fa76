// Who may connect to /ws/worker (lib/control-plane/hub.ts): a live worker token, or the bootstrap admin token
// (SIGNALBOX_ADMIN_TOKEN: the path for automation that predates named tokens). Refusals are audited.
import { checkToken } from "../auth";
import { recordAudit } from "../repos/audit-repo";
import { liveToken, refusalReason } from "./token-service";
import { looksLikeSecret, prefixOf } from "./secret";

export type WorkerGrant =
  | { kind: "bootstrap"; name: string }
  | {
      kind: "token";
      id: string;
      /** the token's name, for the log and the audit */
      name: string;
      /** the only environment this worker may say hello into; null: every environment */
      environment: string | null;
      expiresAt: Date | null;
    };

/** The grant behind a worker's Bearer secret, or null (missing, unknown, revoked, expired or not a worker token). */
export async function workerGrant(secret: string | null): Promise<WorkerGrant | null> {
  if (secret && checkToken(secret)) return { kind: "bootstrap", name: "admin token" };
  const t = await liveToken(secret, "worker");
  return t ? { kind: "token", id: t.id, name: t.name, environment: t.environment, expiresAt: t.expiresAt } : null;
}

/**
 * Audits a refused worker (`worker.refused`): its address, the prefix of the secret when it is spelled like one of
 * ours (never the secret), and why. `refusal` is a refusal of an accepted token (its environment): its reason and the token's name.
 */
export async function auditWorkerRefusal(address: string, secret: string | null, refusal?: { reason: string; token: string }): Promise<void> {
  const prefix = looksLikeSecret(secret) ? prefixOf(secret) : null;
  const why = refusal?.reason ?? (await refusalReason(secret, "worker"));
  await recordAudit({ actor: refusal?.token ?? prefix ?? "anonymous", action: "worker.refused", target: address, details: { address, prefix, reason: why } });
}
