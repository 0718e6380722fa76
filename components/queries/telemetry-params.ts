// Query strings of the telemetry endpoints, built from the same scope objects the query keys use.
import type { Window } from "@/lib/contract/telemetry";
import type { EventFilter, TelemetryScope } from "./keys";

/** Drops empty values so an unset filter never reaches the server as `?route=`. */
export function toSearch(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}

export const scopeSearch = (s: TelemetryScope) => toSearch({ window: s.window, node: s.node, vhost: s.vhost, route: s.route, cluster: s.cluster });

export const eventSearch = (f: EventFilter) => toSearch({ cluster: f.cluster, kind: f.kind, node: f.node, since: f.since, limit: f.limit });

/** How long each window is, and how often a fetched series of it is worth refreshing (its step, or more). */
export const WINDOW_MS: Record<Window, number> = { "5m": 5 * 60_000, "1h": 60 * 60_000, "24h": 24 * 60 * 60_000 };
export const WINDOW_REFRESH_MS: Record<Window, number> = { "5m": 2_000, "1h": 10_000, "24h": 60_000 };
export const WINDOW_LABEL: Record<Window, string> = { "5m": "5 min", "1h": "1 h", "24h": "24 h" };
export const WINDOWS: readonly Window[] = ["5m", "1h", "24h"];
