// Where one node stands in one version's rollout (the publish drawer and the rollback dialog follow it).
import type { NodeRow } from "@/components/queries/types";

export type RolloutState = "applied" | "rejected" | "superseded" | "outside" | "pending";

/**
 * Applied when the node ACKed this version, rejected only when its NACK named this version; a node that runs a
 * later version skipped it (superseded); a node meant to run an earlier version is outside this version's
 * rollout (a canary of it that does not target the node, which stays on the live version: lib/rollout/); anything
 * else, an error about an earlier version included, is pending.
 */
export function rolloutState(
  node: Pick<NodeRow, "appliedVersion" | "appliedVersionNumber" | "rejectedVersionId" | "targetVersion" | "targetVersionNumber">,
  versionId: string,
  number: number | null,
): RolloutState {
  if (node.appliedVersion === versionId) return "applied";
  if (node.rejectedVersionId === versionId) return "rejected";
  if (number !== null && node.appliedVersionNumber !== null && node.appliedVersionNumber > number) return "superseded";
  if (number !== null && node.targetVersion !== null && node.targetVersion !== versionId && node.targetVersionNumber !== null && node.targetVersionNumber < number) return "outside";
  return "pending";
}
