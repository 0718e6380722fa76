"use client";
// The main time-series chart: requests/s stacked by response class, or latency percentiles, over 5 min / 1 h /
// 24 h, with a marker per publish and rollback (hover: version, author, message; click: that version's diff).
// Used by the Overview (the fleet) and a cluster's Traffic tab (scoped to it).
import { useRouter } from "next/navigation";
import { memo, useCallback, useMemo, useState } from "react";
import { TimeSeriesChart, type ChartConfig, type ChartMarker } from "@/components/charts/chart-container";
import { clock } from "@/components/charts/time-scale";
import type { TelemetryScope } from "@/components/queries/keys";
import { WINDOW_LABEL, WINDOWS } from "@/components/queries/telemetry-params";
import { useSeriesQuery } from "@/components/queries/use-series-query";
import { ErrorState } from "@/components/ui/error-state";
import { Segmented } from "@/components/ui/segmented";
import { Skeleton } from "@/components/ui/skeleton";
import type { Window } from "@/lib/contract/telemetry";
import { fmtMs, fmtRps } from "./format";
import { LATENCY_CONFIG, latencyRows, markerOf, RPS_CONFIG, rpsRows, usedConfig } from "./series-model";

type View = "requests" | "latency";
const VIEWS = [
  { value: "requests", label: "Requests/s" },
  { value: "latency", label: "Latency" },
] as const;
const WINDOW_OPTIONS = WINDOWS.map((w) => ({ value: w, label: WINDOW_LABEL[w] }));

function Legend({ config }: { config: ChartConfig }) {
  return (
    <ul className="legend" aria-hidden="true">
      {Object.entries(config).map(([k, s]) => (
        <li key={k}>
          <span className="legend-swatch" style={{ background: s.color }} />
          {s.label}
        </li>
      ))}
    </ul>
  );
}

export const TrafficPanel = memo(function TrafficPanel({
  scope = {},
  live = false,
  title = "Traffic",
}: {
  scope?: Omit<TelemetryScope, "window">;
  live?: boolean;
  title?: string;
}) {
  const [window, setWindow] = useState<Window>("5m");
  const [view, setView] = useState<View>("requests");
  const router = useRouter();
  const series = useSeriesQuery({ ...scope, window }, { live });
  const data = series.data;
  const rows = useMemo<Record<string, number | null>[]>(() => (data ? (view === "requests" ? rpsRows(data.points) : latencyRows(data.points)) : []), [data, view]);
  const config = useMemo(() => (view === "requests" ? usedConfig(RPS_CONFIG, rows) : LATENCY_CONFIG), [view, rows]);
  const markers = useMemo(() => (data?.markers ?? []).map(markerOf), [data?.markers]);
  const from = data?.from;
  const to = data?.to;
  // a new domain only when the window's ends move, not with every answer
  const domain = useMemo<[number, number] | undefined>(() => (from !== undefined && to !== undefined ? [from, to] : undefined), [from, to]);
  const formatX = useCallback((t: number) => clock(t, window !== "24h"), [window]);
  const onMarker = useCallback((m: ChartMarker) => router.push(m.href), [router]);
  const what = view === "requests" ? "Requests per second by response class" : "Latency percentiles (p50, p90, p99)";

  return (
    <section className="card" aria-label={title}>
      <div className="row wrap" style={{ marginBottom: 8 }}>
        <h2 style={{ margin: 0 }}>{title}</h2>
        <Segmented label="Chart" options={VIEWS} value={view} onChange={setView} />
        <span className="spacer" />
        {data && <Legend config={config} />}
        <Segmented label="Window" options={WINDOW_OPTIONS} value={window} onChange={setWindow} />
      </div>
      {series.isPending ? (
        <div role="status" aria-label="Loading chart">
          <Skeleton height={240} />
        </div>
      ) : series.isError ? (
        <ErrorState what="the traffic series" error={series.error} onRetry={() => series.refetch()} />
      ) : (
        <TimeSeriesChart
          label={`${what}, last ${WINDOW_LABEL[window]}`}
          data={rows}
          xKey="t"
          config={config}
          variant={view === "requests" ? "stacked" : "lines"}
          domain={domain}
          formatX={formatX}
          formatY={view === "requests" ? fmtRps : fmtMs}
          allowDecimals
          markers={markers}
          onMarker={onMarker}
        />
      )}
      {data && (
        <p className="small muted" style={{ margin: "6px 0 0" }}>
          {data.stepMs / 1000 >= 60 ? `${data.stepMs / 60_000} min` : `${data.stepMs / 1000} s`} steps
          {window === "5m" && live ? " · moves every second" : ""}
          {markers.length ? ` · ${markers.length} ${markers.length === 1 ? "version marker" : "version markers"}: hover for details, click to open the diff` : ""}
        </p>
      )}
    </section>
  );
});
