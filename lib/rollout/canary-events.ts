// A canary's lines in the event feed (GET /api/events, the Overview): started, promoted, aborted. A publish or
// rollback is recorded by the control plane as it pushes the live version (lib/telemetry/ingest.ts); a canary
// start pushes no live version and an abort none either, so they are recorded here, from the request that made
// them. Promotion does push the live version (its "publish" line follows this one); the line here says who
// promoted it. A guard's abort is not recorded here: its guard_rollback line says so (lib/guard/watcher.ts).
import { getTelemetry } from "../telemetry/registry";
import { listNodes, nodeLabels } from "../repos/node-repo";
import type { Rollout } from "../repos/rollout-repo";
import type { VersionSummary } from "../repos/version-repo";
import { ruleOf, targets } from "./target";

function record(kind: "canary_started" | "canary_promoted" | "canary_aborted", details: Record<string, unknown>): void {
  getTelemetry()?.events.record({ ts: Date.now(), node: "console", kind, details });
}

/** The nodes a canary starts on: named or picked by a percent, or for a selector the connected nodes it matches now. */
async function startNodes(rollout: Rollout): Promise<string[]> {
  const rule = ruleOf(rollout);
  if (rule.nodes) return rule.nodes;
  const nodes = await listNodes();
  return nodes.filter((n) => n.connected && n.environment === rollout.environment && targets(rule, n.id, nodeLabels(n))).map((n) => n.id).sort();
}

/** `canary_started`: {versionId, number, author, message, target, nodes}; never throws (the canary runs regardless). */
export async function recordCanaryStarted(v: Pick<VersionSummary, "id" | "number" | "message">, rollout: Rollout): Promise<void> {
  try {
    const nodes = await startNodes(rollout);
    record("canary_started", { versionId: v.id, number: v.number, author: rollout.actor, message: v.message, target: rollout.target, nodes });
  } catch (e) {
    console.error("[rollout] recording the canary start failed:", e);
  }
}

/** `canary_promoted` / `canary_aborted`: {versionId, number, actor, target, startedBy, reason?}. */
export function recordCanaryEnded(outcome: "promoted" | "aborted", v: Pick<VersionSummary, "id" | "number">, rollout: Rollout, actor: string, reason?: string): void {
  record(outcome === "promoted" ? "canary_promoted" : "canary_aborted", {
    versionId: v.id, number: v.number, actor, target: rollout.target, startedBy: rollout.actor, ...(reason ? { reason } : {}),
  });
}
