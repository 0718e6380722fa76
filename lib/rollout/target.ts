// Which nodes a canary targets. Pure, shared by the hub (what to send a node) and the API (what to show).
// Named nodes and label selectors are judged per node, so a node connecting mid-canary is judged on arrival;
// a percent is resolved once, when the canary starts, into a list of node ids (stable across reconnects).
import { createHash } from "node:crypto";
import type { CanaryTarget } from "../contract/rollout";

export interface CanaryRule {
  /** the node ids it targets (named, or picked by a percent) */
  nodes: string[] | null;
  /** nodes whose labels include every key=value */
  selector: Record<string, string> | null;
}

export function targets(rule: CanaryRule, nodeId: string, labels: Record<string, string>): boolean {
  if (rule.nodes) return rule.nodes.includes(nodeId);
  if (rule.selector) return Object.entries(rule.selector).every(([k, v]) => labels[k] === v);
  return false;
}

/**
 * ceil(percent% of `nodeIds`), chosen by ordering the nodes by a hash of `seed` and their id: the same nodes for
 * the same seed whatever order they connected in, and a different spread for each canary.
 */
export function pickPercent(nodeIds: string[], percent: number, seed: string): string[] {
  const n = Math.ceil((nodeIds.length * percent) / 100);
  const rank = (id: string) => createHash("sha256").update(`${seed}\0${id}`).digest("hex");
  return [...new Set(nodeIds)].sort((a, b) => (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0)).slice(0, n);
}

/** The rule a rollout row stands for: a percent was resolved into node ids when it started. */
export function ruleOf(r: { target: CanaryTarget; nodes: string[] | null }): CanaryRule {
  if (r.target.nodes) return { nodes: r.target.nodes, selector: null };
  if (r.target.selector) return { nodes: null, selector: r.target.selector };
  return { nodes: r.nodes ?? [], selector: null };
}
