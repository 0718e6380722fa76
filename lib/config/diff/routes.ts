// The routes of one virtual host on both sides, paired up so that an edit reads as one change and a reorder
// as a move. Routes are paired by name, then by match and action together (the route's identity when it has
// no name), then by match alone (same match, new action: an edit). Among the pairs, the longest run that
// kept its relative order (longest increasing subsequence) stays put; every other pair moved (so inserting a route above others moves none of
// them). Linear in the number of routes apart from the O(n log n) longest increasing subsequence, so a
// virtual host of 10,000 routes diffs in milliseconds.
import { canonicalJson } from "../canonical";
import { obj, str } from "./format";

export interface RoutePair {
  /** index in `before`, or null: added */
  from: number | null;
  /** index in `after`, or null: removed */
  to: number | null;
  /** true when the route's JSON differs */
  edited: boolean;
  /** true when it left the order the others kept */
  moved: boolean;
}

/** Pairs indices of `a` and `b` with equal keys, in order, among those not paired yet. */
function pairBy(keyOf: (r: unknown) => string | null, a: unknown[], b: unknown[], ai: Int32Array, bi: Int32Array) {
  const queues = new Map<string, number[]>();
  for (let i = 0; i < a.length; i++) {
    if (ai[i] >= 0) continue;
    const k = keyOf(a[i]);
    if (k === null) continue;
    const q = queues.get(k);
    if (q) q.push(i);
    else queues.set(k, [i]);
  }
  if (!queues.size) return;
  for (let j = 0; j < b.length; j++) {
    if (bi[j] >= 0) continue;
    const k = keyOf(b[j]);
    const q = k === null ? undefined : queues.get(k);
    if (!q?.length) continue;
    const i = q.shift()!;
    ai[i] = j;
    bi[j] = i;
  }
}

/** Indices into `seq` of one longest strictly increasing subsequence (patience sorting). */
function longestIncreasing(seq: number[]): Set<number> {
  const tails: number[] = []; // tails[k]: index in seq of the smallest tail of a run of length k + 1
  const prev = new Int32Array(seq.length).fill(-1);
  for (let i = 0; i < seq.length; i++) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (seq[tails[mid]] < seq[i]) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tails[lo - 1];
    tails[lo] = i;
  }
  const keep = new Set<number>();
  for (let i = tails.length ? tails[tails.length - 1] : -1; i >= 0; i = prev[i]) keep.add(i);
  return keep;
}

const nameKey = (r: unknown) => {
  const n = str(obj(r).name);
  return n ? n : null;
};
const identityKey = (r: unknown) => {
  const o = obj(r);
  return canonicalJson([o.match, o.route, o.redirect, o.direct_response]);
};
const matchKey = (r: unknown) => canonicalJson(obj(r).match);

/**
 * Every route of `before` and `after` once: paired (edited and/or moved, or neither) or alone (added,
 * removed). `beforeCanon`/`afterCanon` are the routes' canonical JSON, computed once by the caller.
 */
export function pairRoutes(before: unknown[], after: unknown[], beforeCanon: string[], afterCanon: string[]): RoutePair[] {
  const ai = new Int32Array(before.length).fill(-1);
  const bi = new Int32Array(after.length).fill(-1);
  // identical routes at the same index: nothing to explain (the common case of a big, mostly unchanged list)
  for (let i = 0; i < Math.min(before.length, after.length); i++)
    if (beforeCanon[i] === afterCanon[i]) {
      ai[i] = i;
      bi[i] = i;
    }
  pairBy(nameKey, before, after, ai, bi);
  pairBy((r) => (nameKey(r) === null ? identityKey(r) : null), before, after, ai, bi);
  pairBy(identityKey, before, after, ai, bi);
  pairBy(matchKey, before, after, ai, bi);

  const order: number[] = []; // indices in `after`, in the order of `before`
  const fromOf: number[] = [];
  for (let i = 0; i < before.length; i++)
    if (ai[i] >= 0) {
      order.push(ai[i]);
      fromOf.push(i);
    }
  // the longest run found from the end keeps the earlier of two swapped routes in place, so a route moved up
  // reads as "moved from 3 to 1", the way the console's up/down buttons move it
  const reversed = order.map((_, k) => -order[order.length - 1 - k]);
  const stay = new Set([...longestIncreasing(reversed)].map((k) => order.length - 1 - k));
  const out: RoutePair[] = [];
  order.forEach((j, k) => out.push({ from: fromOf[k], to: j, edited: beforeCanon[fromOf[k]] !== afterCanon[j], moved: !stay.has(k) }));
  for (let i = 0; i < before.length; i++) if (ai[i] < 0) out.push({ from: i, to: null, edited: false, moved: false });
  for (let j = 0; j < after.length; j++) if (bi[j] < 0) out.push({ from: null, to: j, edited: false, moved: false });
  return out;
}
