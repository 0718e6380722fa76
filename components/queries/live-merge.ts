// Merging the live channel's ticks (GET /api/live, one LiveTick a second) into the react-query cache: the
// fleet's 5-minute series gains the new second and drops the oldest, the latest tick is kept under its own key
// for the live columns of the Routes and Clusters tables, and new events are put on top of every cached event
// list they belong to. Each write replaces only the entries that changed, so only the components reading them
// render again.
import type { QueryClient } from "@tanstack/react-query";
import type { EventList, EventRow, LiveTick, Series, SeriesPoint } from "@/lib/contract";
import { queryKeys, type EventFilter } from "./keys";
import { WINDOW_MS } from "./telemetry-params";

/** The 5-minute series with `point` as its newest step; other windows and older points leave it as it is. */
export function mergePointIntoSeries(series: Series | undefined, point: SeriesPoint): Series | undefined {
  if (!series || series.window !== "5m") return series;
  const pts = series.points;
  const last = pts[pts.length - 1];
  // a tick older than what a fetch already returned adds nothing
  if (last && point.t < last.t) return series;
  const next = last && point.t === last.t ? [...pts.slice(0, -1), point] : [...pts, point];
  const to = Math.max(series.to, point.t + series.stepMs);
  const from = to - WINDOW_MS["5m"];
  let drop = 0;
  while (drop < next.length && next[drop].t < from) drop++;
  return {
    ...series,
    from,
    to,
    points: drop ? next.slice(drop) : next,
    markers: series.markers.some((m) => m.t < from) ? series.markers.filter((m) => m.t >= from) : series.markers,
  };
}

export function eventMatches(e: EventRow, f: EventFilter): boolean {
  return (!f.cluster || e.cluster === f.cluster) && (!f.kind || e.kind === f.kind) && (!f.node || e.node === f.node) && (f.since === undefined || e.ts >= f.since);
}

/** The list with the incoming events that match its filter on top: newest first, each id once, at most `limit`. */
export function mergeEvents(list: EventList | undefined, incoming: EventRow[], f: EventFilter): EventList | undefined {
  if (!list) return list;
  const fresh = incoming.filter((e) => eventMatches(e, f));
  if (!fresh.length) return list;
  const seen = new Set(list.events.map((e) => e.id));
  const added = fresh.filter((e) => !seen.has(e.id));
  if (!added.length) return list;
  const events = [...added, ...list.events].sort((a, b) => b.ts - a.ts || b.id - a.id).slice(0, f.limit);
  return { events };
}

/** Everything one tick changes in the cache. */
export function applyTick(qc: QueryClient, tick: LiveTick): void {
  qc.setQueryData(queryKeys.liveTick(), tick);
  qc.setQueryData<Series>(queryKeys.series({ window: "5m" }), (s) => mergePointIntoSeries(s, tick.fleet));
  for (const [node, point] of Object.entries(tick.nodes)) {
    qc.setQueryData<Series>(queryKeys.series({ window: "5m", node }), (s) => mergePointIntoSeries(s, point));
  }
  if (!tick.events.length) return;
  for (const [key] of qc.getQueriesData<EventList>({ queryKey: queryKeys.allEvents() })) {
    const f = key[1] as EventFilter | undefined;
    if (!f || typeof f !== "object") continue;
    qc.setQueryData<EventList>(key, (list) => mergeEvents(list, tick.events, f));
  }
  const kinds = new Set(tick.events.map((e) => e.kind));
  // a publish or rollback adds a marker to every chart; the series answers carry them, with author and message
  if (kinds.has("publish") || kinds.has("rollback")) void qc.invalidateQueries({ queryKey: queryKeys.allSeries() });
  if (kinds.has("circuit_breaker")) void qc.invalidateQueries({ queryKey: queryKeys.allTrips() });
}
