// What the live watcher compares against what the hub holds: every environment's live version id and running
// canary's version id, two small reads.
import { liveVersionIds } from "../repos/live-state-repo";
import { listRunningRollouts } from "../repos/rollout-repo";

export async function livePointers(): Promise<{ live: Map<string, string>; canary: Map<string, string> }> {
  const [live, rollouts] = await Promise.all([liveVersionIds(), listRunningRollouts()]);
  const canary = new Map<string, string>();
  // newest first: the one running per environment
  for (const r of rollouts) if (!canary.has(r.environment)) canary.set(r.environment, r.versionId);
  return { live, canary };
}
