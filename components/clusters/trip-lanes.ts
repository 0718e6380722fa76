// The trip timeline's view model: one lane per circuit-breaker threshold with a bar per trip (open → close, or
// → now while open) and its refused count, then lanes of outlier ejections and health-check flips as points,
// all on the window's time axis. Pure, so the layout is tested apart from the view.
import type { EventRow } from "@/lib/contract/events";
import type { Trip } from "@/lib/contract/telemetry";
import { clock, fmtDuration, pct } from "@/components/charts/time-scale";
import type { Lane, LanePoint } from "@/components/charts/time-lanes";

export const THRESHOLD_LANES = [
  { key: "max_connections", label: "Connections" },
  { key: "max_pending_requests", label: "Pending requests" },
  { key: "max_requests", label: "Requests" },
  { key: "max_retries", label: "Retries" },
] as const;

const str = (v: unknown) => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));

export function tripTitle(t: Trip, now: number): string {
  const head = `${t.threshold} (${t.max}) on ${t.node}: tripped ${clock(t.openedAt)}`;
  if (t.closedAt === null) return `${head}, still open after ${fmtDuration(now - t.openedAt)}, ${t.refused} refused so far`;
  return `${head}, closed after ${fmtDuration(t.closedAt - t.openedAt)}, ${t.refused} refused`;
}

function ejectionPoint(e: EventRow, from: number, to: number): LanePoint {
  const d = e.details;
  const ejected = d.ejected !== false;
  const host = str(d.host) || "a host";
  const title = ejected
    ? `${clock(e.ts)} ${host} ejected (${str(d.type) || "outlier"})${typeof d.durationMs === "number" ? ` for ${fmtDuration(d.durationMs)}` : ""} on ${e.node}`
    : `${clock(e.ts)} ${host} returned from ejection on ${e.node}`;
  return { key: `ej-${e.id}`, at: pct(e.ts, from, to), symbol: ejected ? "✕" : "↺", title, tone: ejected ? "red" : "green", testId: "ejection-marker" };
}

function healthPoint(e: EventRow, from: number, to: number): LanePoint {
  const healthy = e.details.healthy === true;
  const host = str(e.details.host) || "a host";
  const reason = str(e.details.reason);
  const title = `${clock(e.ts)} ${host} ${healthy ? "healthy" : "unhealthy"}${reason ? ` (${reason})` : ""} on ${e.node}`;
  return { key: `hf-${e.id}`, at: pct(e.ts, from, to), symbol: healthy ? "▲" : "▼", title, tone: healthy ? "green" : "red", testId: "health-marker" };
}

export function tripLanes(trips: Trip[], events: EventRow[], from: number, to: number, now = to): Lane[] {
  const inWindow = (a: number, b: number) => b >= from && a <= to;
  const lanes: Lane[] = THRESHOLD_LANES.map(({ key, label }) => ({
    key,
    label,
    empty: "no trips",
    bars: trips
      .filter((t) => t.threshold === key && inWindow(t.openedAt, t.closedAt ?? now))
      .sort((a, b) => a.openedAt - b.openedAt)
      .map((t) => {
        const left = pct(t.openedAt, from, to);
        const right = pct(t.closedAt ?? now, from, to);
        return {
          key: `${t.node}-${t.threshold}-${t.openedAt}`,
          left,
          width: Math.max(0, right - left),
          text: `${t.refused} refused`,
          title: tripTitle(t, now),
          tone: "red" as const,
          open: t.closedAt === null,
          testId: "trip-bar",
        };
      }),
  }));
  const within = (e: EventRow) => e.ts >= from && e.ts <= to;
  lanes.push({
    key: "ejections",
    label: "Outlier ejections",
    empty: "no ejections",
    bars: [],
    points: events.filter((e) => e.kind === "outlier_ejection" && within(e)).map((e) => ejectionPoint(e, from, to)),
  });
  lanes.push({
    key: "health",
    label: "Health checks",
    empty: "no health changes",
    bars: [],
    points: events.filter((e) => e.kind === "health_flip" && within(e)).map((e) => healthPoint(e, from, to)),
  });
  return lanes;
}
