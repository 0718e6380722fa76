"use client";
// The Overview's KPI tiles: the latest second of the fleet (from the 5-minute series the live channel moves)
// with a sparkline of the window, and the 5-minute figure beneath for comparison.
import { memo, useMemo } from "react";
import { Sparkline } from "@/components/charts/chart-container";
import { clock } from "@/components/charts/time-scale";
import { useSeriesQuery } from "@/components/queries/use-series-query";
import { useSummaryQuery } from "@/components/queries/use-summary-query";
import { fmtMs, fmtRatio, fmtRps, ratioTone } from "@/components/telemetry/format";
import { tileFigures, type TileFigure } from "@/components/telemetry/series-model";
import { ErrorState } from "@/components/ui/error-state";
import { Skeleton } from "@/components/ui/skeleton";

const Tile = memo(function Tile({ label, value, sub, fig, color, tone }: { label: string; value: string; sub: string; fig: TileFigure; color: string; tone?: string }) {
  return (
    <div className="kpi" data-testid="kpi" role="group" aria-label={label}>
      <div className="kpi-label">{label}</div>
      <div className={`kpi-value${tone ? ` tone-${tone}` : ""}`} aria-label={label}>
        {value}
      </div>
      <Sparkline data={fig.spark} color={color} />
      <div className="kpi-sub small muted">{sub}</div>
    </div>
  );
});

export function KpiTiles({ live }: { live: boolean }) {
  const series = useSeriesQuery({ window: "5m" }, { live });
  const summary = useSummaryQuery({ window: "5m" });
  const f = useMemo(() => tileFigures(series.data, summary.data), [series.data, summary.data]);
  if (series.isPending)
    return (
      <div className="kpis" role="status" aria-label="Loading figures">
        {Array.from({ length: 5 }, (_, i) => (
          <div key={i} className="kpi">
            <Skeleton width="60%" />
            <Skeleton height={26} />
          </div>
        ))}
      </div>
    );
  if (series.isError) return <ErrorState what="the traffic figures" error={series.error} onRetry={() => series.refetch()} />;
  const fleet = summary.data?.fleet;
  const avg = (s: string | undefined) => (s === undefined ? "5 min: …" : `5 min: ${s}`);
  const last = series.data.points.at(-1)?.t;
  return (
    <>
      <p className="small muted kpi-caption">
        {last === undefined ? (
          "No second reported yet."
        ) : (
          <>
            Figures of the second from <time data-testid="kpi-as-of">{clock(last)}</time>; beneath each, the last 5 minutes.
          </>
        )}
      </p>
      <div className="kpis">
        <Tile label="Requests/s" value={fmtRps(f.rps.now)} sub={avg(fleet && fmtRps(fleet.rps))} fig={f.rps} color="var(--chart-1)" />
        <Tile
          label="Error ratio"
          value={fmtRatio(f.errorRatio.now)}
          sub={avg(fleet && fmtRatio(fleet.errorRatio))}
          fig={f.errorRatio}
          color="var(--red)"
          tone={f.errorRatio.now === null ? undefined : ratioTone(f.errorRatio.now)}
        />
        <Tile label="p99 latency" value={fmtMs(f.p99.now)} sub={avg(fleet && fmtMs(fleet.latency?.p99))} fig={f.p99} color="var(--amber)" />
        <Tile label="Active connections" value={f.activeConnections.now === null ? "—" : String(f.activeConnections.now)} sub="downstream, now" fig={f.activeConnections} color="var(--chart-1)" />
        <Tile
          label="Breaker trips, last hour"
          value={f.trips.now === null ? "—" : String(f.trips.now)}
          sub="sparkline: refused requests/s"
          fig={f.trips}
          color="var(--red)"
          tone={f.trips.now ? "red" : undefined}
        />
      </div>
    </>
  );
}
