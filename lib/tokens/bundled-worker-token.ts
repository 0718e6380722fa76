// The bundled worker's own worker token (server.ts): kept in <data dir>/worker-token (0600) and reused across
// restarts while it is live; made again when it was revoked, expired or lost. A worker that holds the old one
// keeps being refused, and the supervisor restarts it with the new one (its token fingerprint changed).
import fs from "node:fs";
import path from "node:path";
import { DEFAULT_ENVIRONMENT } from "../contract/environments";
import { findLiveApiTokenByName } from "../repos/api-token-repo";
import { createToken, liveToken, revokeToken } from "./token-service";

export const BUNDLED_WORKER_TOKEN_NAME = "bundled worker";

export function workerTokenFile(dataDir: string): string {
  return path.join(dataDir, "worker-token");
}

export async function ensureBundledWorkerToken(dataDir: string): Promise<{ secret: string; created: boolean }> {
  const file = workerTokenFile(dataDir);
  let kept: string | null = null;
  try {
    kept = fs.readFileSync(file, "utf8").trim() || null;
  } catch {
    /* none yet */
  }
  if (kept && (await liveToken(kept, "worker"))) return { secret: kept, created: false };
  // its name is taken by the token of a lost file: that one is no one's any more
  const stale = await findLiveApiTokenByName(BUNDLED_WORKER_TOKEN_NAME);
  if (stale) await revokeToken(stale.id, "system");
  const { secret } = await createToken({ name: BUNDLED_WORKER_TOKEN_NAME, kind: "worker", environment: DEFAULT_ENVIRONMENT }, "system");
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, secret + "\n", { mode: 0o600 });
  // writeFileSync's mode applies only to a file it creates
  fs.chmodSync(file, 0o600);
  return { secret, created: true };
}
