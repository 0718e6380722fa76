// What the live watcher compares against what the hub holds: every environment's live version id and running
// canary's version id, a stamp of the TLS secrets (a rotation made on another replica) and the console settings:
// four small reads.
import { liveVersionIds } from "../repos/live-state-repo";
import { listRunningRollouts } from "../repos/rollout-repo";
import { secretsStamp } from "../repos/secret-repo";
import { getSettings } from "../settings/settings-service";
import type { Pointers } from "./live-watcher";

export async function livePointers(): Promise<Pointers> {
  const [live, rollouts, secrets, settings] = await Promise.all([liveVersionIds(), listRunningRollouts(), secretsStamp(), getSettings()]);
  const canary = new Map<string, string>();
  // newest first: the one running per environment
  for (const r of rollouts) if (!canary.has(r.environment)) canary.set(r.environment, r.versionId);
  return { live, canary, secrets, settings: JSON.stringify(settings) };
}
