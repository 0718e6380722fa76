// The impact preview's arithmetic: every sampled head is matched against the live version's routes and the
// draft's (route-tables.ts, proxy-core's own matching), and what changes is grouped by listener, route and
// destination, before and after. With weighted clusters a request is split by the clusters' shares, and only the
// share that changes cluster moves (a → {a: 90, b: 10} moves 10 % of the requests to b, the rest stays).
// Rates: each node and listener's heads are counted over their own window, from the oldest head to now, at least
// a minute (a burst is not extrapolated), or exactly the heads' span when the sample is truncated (the heads are
// then the latest ones only). Heads older than an hour are not replayed.
import type { RequestHead } from "../../proxy-core/src/config/index";
import type { DraftImpact, ImpactDestination, ImpactHead, ImpactMove } from "../contract/impact";
import { compileVersion, matchHead, type ListenerTables, type Matched, type VersionTables } from "./route-tables";
import type { SampleSet } from "./sample-store";

export const MAX_AGE_MS = 60 * 60_000;
const MIN_WINDOW_MS = 60_000;
const MAX_EXAMPLES = 3;

export interface ReplayInput {
  sets: readonly SampleSet[];
  live: { id: string; number: number; resources: unknown } | null;
  draft: unknown;
  now: number;
}

interface MoveAcc extends Omit<ImpactMove, "share"> {
  pair: string;
}

const round = (n: number) => Math.round(n * 100) / 100;
const destKey = (d: ImpactDestination) => `${d.kind}\u0000${d.name}`;

/** Requests per minute that one head of `heads` (oldest first, all within the age limit) stands for. */
function perMinuteWeight(heads: readonly RequestHead[], truncated: boolean, agedOut: boolean, now: number): number {
  if (heads.length === 0) return 0;
  // heads dropped for age: what is left is every head of the last hour
  const span = agedOut ? MAX_AGE_MS : truncated ? Math.max(now - heads[0].at, 1000) : Math.max(now - heads[0].at, MIN_WINDOW_MS);
  return 60_000 / span;
}

/**
 * How a head's requests flow from the live destinations to the draft's: what stays on a destination is the
 * smaller of its two shares; what one destination loses goes to the destinations that gain, in proportion.
 */
function flows(before: Matched["destinations"], after: Matched["destinations"]): { from: ImpactDestination; to: ImpactDestination; share: number }[] {
  const out: { from: ImpactDestination; to: ImpactDestination; share: number }[] = [];
  const q = new Map(after.map((a) => [destKey(a.destination), a]));
  const p = new Map(before.map((b) => [destKey(b.destination), b]));
  const losses: { d: ImpactDestination; share: number }[] = [];
  const gains: { d: ImpactDestination; share: number }[] = [];
  for (const [k, b] of p) {
    const stay = Math.min(b.share, q.get(k)?.share ?? 0);
    if (stay > 0) out.push({ from: b.destination, to: b.destination, share: stay });
    if (b.share > stay) losses.push({ d: b.destination, share: b.share - stay });
  }
  for (const [k, a] of q) {
    const gain = a.share - Math.min(a.share, p.get(k)?.share ?? 0);
    if (gain > 0) gains.push({ d: a.destination, share: gain });
  }
  const moved = gains.reduce((s, g) => s + g.share, 0);
  for (const l of losses) for (const g of gains) out.push({ from: l.d, to: g.d, share: (l.share * g.share) / moved });
  return out;
}

/** The groups the heads fall into, as they are added. */
class Tally {
  readonly moves = new Map<string, MoveAcc>();
  /** heads per (listener, route before, route after): what a move's share is of */
  readonly pairs = new Map<string, number>();
  readonly noRoute = { requests: 0, perMinute: 0, examples: [] as ImpactHead[], byRoute: new Map<string, DraftImpact["noRoute"]["byRoute"][number]>() };
  unchanged = 0;

  add(listener: string, before: Matched | null, after: Matched | null, weight: number, example: ImpactHead) {
    if (after === null) {
      if (before === null) return void this.unchanged++;
      const n = this.noRoute;
      n.requests++;
      n.perMinute += weight;
      if (n.examples.length < MAX_EXAMPLES) n.examples.push(example);
      const k = `${listener}\u0000${before.key}`;
      const g = n.byRoute.get(k) ?? { listener, routeBefore: before.route, requests: 0, perMinute: 0 };
      g.requests++;
      g.perMinute += weight;
      n.byRoute.set(k, g);
      return;
    }
    const sameRoute = before !== null && before.key === after.key;
    const pair = `${listener}\u0000${before?.key ?? ""}\u0000${after.key}`;
    this.pairs.set(pair, (this.pairs.get(pair) ?? 0) + 1);
    const legs = before === null ? after.destinations.map((a) => ({ from: null, to: a.destination, share: a.share })) : flows(before.destinations, after.destinations);
    for (const leg of legs) {
      if (sameRoute && leg.from !== null && destKey(leg.from) === destKey(leg.to)) {
        this.unchanged += leg.share;
        continue;
      }
      const key = `${pair}\u0000${leg.from ? destKey(leg.from) : ""}\u0000${destKey(leg.to)}`;
      let m = this.moves.get(key);
      if (m === undefined) {
        m = {
          pair, listener, routeBefore: before?.route ?? null, routeAfter: after.route,
          clusterBefore: leg.from?.kind === "cluster" ? leg.from.name : null, clusterAfter: leg.to.kind === "cluster" ? leg.to.name : null,
          destinationBefore: leg.from, destinationAfter: leg.to, requests: 0, perMinute: 0, examples: [],
        };
        this.moves.set(key, m);
      }
      m.requests += leg.share;
      m.perMinute += leg.share * weight;
      if (m.examples.length < MAX_EXAMPLES) m.examples.push(example);
    }
  }

  result(): Pick<DraftImpact, "moves" | "noRoute" | "unchanged"> {
    return {
      moves: [...this.moves.values()]
        .map(({ pair, ...m }) => ({ ...m, requests: round(m.requests), perMinute: round(m.perMinute), share: Math.min(1, round(m.requests / (this.pairs.get(pair) ?? 1))) }))
        .filter((m) => m.requests > 0)
        .sort((a, b) => b.requests - a.requests || b.perMinute - a.perMinute),
      noRoute: {
        requests: this.noRoute.requests,
        perMinute: round(this.noRoute.perMinute),
        examples: this.noRoute.examples,
        byRoute: [...this.noRoute.byRoute.values()].map((g) => ({ ...g, perMinute: round(g.perMinute) })).sort((a, b) => b.requests - a.requests),
      },
      unchanged: round(this.unchanged),
    };
  }
}

/** What the replay of listener `l` cannot see: headers the draft matches on that were not sampled, random matches. */
function listenerNotes(l: string, live: ListenerTables | undefined, draft: ListenerTables): string[] {
  const notes: string[] = [];
  const sampled = live?.headers ?? new Map<string, boolean>();
  const unseen = [...draft.headers.keys()].filter((h) => !sampled.has(h));
  const them = unseen.length === 1 ? "it" : "them";
  if (unseen.length)
    notes.push(`the draft's routes on listener ${l} match on ${unseen.length === 1 ? "header" : "headers"} ${unseen.join(", ")}, which the live routes do not, so the workers did not sample ${them}: the replay treats ${them} as absent`);
  const valueless = [...draft.headers].filter(([h, value]) => value && sampled.get(h) === false).map(([h]) => h);
  if (valueless.length)
    notes.push(`the draft's routes on listener ${l} match on the value of ${valueless.join(", ")}, which the live routes only require to be present, so the workers sampled no value: the replay sees an empty one`);
  if (draft.runtimeFraction || live?.runtimeFraction) notes.push(`listener ${l} has routes with a runtime_fraction: they are matched with a random draw and their default fraction`);
  return notes;
}

export function replayImpact(input: ReplayInput): DraftImpact {
  const { now } = input;
  const live: VersionTables | null = input.live ? compileVersion(input.live.resources, `live version v${input.live.number}`) : null;
  const draft = compileVersion(input.draft, "the draft");
  const notes = [...(live?.problems ?? []), ...draft.problems];
  const tally = new Tally();
  let total = 0;
  let from: number | null = null;
  const notInLive = new Map<string, number>();
  const notInDraft = new Map<string, number>();

  for (const set of input.sets) {
    const heads = set.heads.filter((h) => h.at >= now - MAX_AGE_MS);
    if (heads.length === 0) continue;
    // a version (or listener) that could not be compiled is in the notes already: its heads are left out
    if (live !== null && (!live.valid || live.failed.has(set.listener))) continue;
    if (!draft.valid || draft.failed.has(set.listener)) continue;
    const lt = live?.listeners.get(set.listener);
    const dt = draft.listeners.get(set.listener);
    if (live !== null && lt === undefined) {
      notInLive.set(set.listener, (notInLive.get(set.listener) ?? 0) + heads.length);
      continue;
    }
    if (dt === undefined) notInDraft.set(set.listener, (notInDraft.get(set.listener) ?? 0) + heads.length);
    const weight = perMinuteWeight(heads, set.truncated, heads.length < set.heads.length, now);
    for (const head of heads) {
      total++;
      from = from === null ? head.at : Math.min(from, head.at);
      const example: ImpactHead = { node: set.node, listener: set.listener, at: head.at, method: head.method, authority: head.authority, path: head.path, headers: head.headers };
      tally.add(set.listener, matchHead(lt, head), matchHead(dt, head), weight, example);
    }
  }

  for (const [l, n] of notInLive) notes.push(`${n} sampled request${n === 1 ? "" : "s"} on listener ${l}, which the live version does not have, ${n === 1 ? "was" : "were"} not replayed`);
  for (const [l, n] of notInDraft) notes.push(`listener ${l} is not in the draft: its ${n} sampled request${n === 1 ? "" : "s"} would find no listener (counted as no route)`);
  for (const l of new Set(input.sets.map((s) => s.listener))) {
    const dt = draft.listeners.get(l);
    if (dt !== undefined) notes.push(...listenerNotes(l, live?.listeners.get(l), dt));
  }

  return { window: { from, to: now, requests: total }, live: input.live ? { id: input.live.id, number: input.live.number } : null, ...tally.result(), notes };
}
