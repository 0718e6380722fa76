// The guard's test: the 5xx ratio of each watched route or cluster over the window so far, from the live
// per-second frames (lib/telemetry/live-window.ts). Responses are counted by class (<N>xx counters, bumped when
// a response is sent), as the console's rates are (lib/telemetry/aggregate.ts), and a route's and a cluster's
// counts are never added together: one request bumps both.
import type { GuardParams } from "../contract/guard";
import type { TimedFrame } from "../telemetry/aggregate";
import type { Traffic } from "../telemetry/frame";
import type { GuardTarget } from "./affected";

export interface TargetCount {
  /** "route /api on main/default", "cluster backend", "all traffic" */
  text: string;
  total: number;
  errors: number;
}

function add(c: TargetCount, t: Traffic | undefined) {
  const q = t?.q;
  if (!q) return;
  c.total += q[1] + q[2] + q[3] + q[4] + q[5];
  c.errors += q[5];
}

/** Responses and 5xx per target over `frames` (every node); with no targets, the fleet's downstream traffic. */
export function countTargets(frames: Iterable<TimedFrame>, targets: GuardTarget[]): TargetCount[] {
  const counts: TargetCount[] = targets.length ? targets.map((t) => ({ text: t.text, total: 0, errors: 0 })) : [{ text: "all traffic", total: 0, errors: 0 }];
  for (const { frame } of frames) {
    if (!targets.length) {
      add(counts[0], frame.d);
      continue;
    }
    targets.forEach((t, i) => add(counts[i], t.kind === "route" ? frame.r[t.vhost]?.[t.statPrefix] : frame.c[t.name]));
  }
  return counts;
}

/** The worst target over the limit with enough responses to judge, or null. */
export function breach(counts: TargetCount[], p: Pick<GuardParams, "maxErrorRatio" | "minRequests">): TargetCount | null {
  let worst: TargetCount | null = null;
  for (const c of counts) {
    if (c.total < p.minRequests || c.errors / c.total <= p.maxErrorRatio) continue;
    if (!worst || c.errors / c.total > worst.errors / worst.total) worst = c;
  }
  return worst;
}

const pct = (r: number) => `${Number((r * 100).toFixed(r * 100 >= 10 ? 0 : 1))}%`;

/** "guard: 5xx 37% (112/300) on route /api on main/default over 12 s > 5%" */
export function breachReason(c: TargetCount, seconds: number, maxErrorRatio: number): string {
  return `guard: 5xx ${pct(c.errors / c.total)} (${c.errors}/${c.total}) on ${c.text} over ${Math.max(1, Math.round(seconds))} s > ${pct(maxErrorRatio)}`;
}
