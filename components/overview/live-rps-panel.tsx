"use client";
// Requests/s of the bundled worker over the last minute, stacked by response class.
import { TimeSeriesChart, type ChartConfig } from "@/components/charts/chart-container";
import type { LivePoint } from "@/components/queries/types";
import { Skeleton } from "@/components/ui/skeleton";

const CONFIG: ChartConfig = {
  rq2xx: { label: "2xx", color: "var(--chart-2)" },
  rq4xx: { label: "4xx", color: "var(--chart-3)" },
  rq5xx: { label: "5xx", color: "var(--chart-4)" },
};

export function LiveRpsPanel({ points, loading }: { points: LivePoint[] | undefined; loading: boolean }) {
  const now = points?.length ? points[points.length - 1].t : Date.now();
  const data = (points ?? []).map((p) => {
    const other = Math.max(0, p.rps - p.rq2xx - p.rq4xx - p.rq5xx);
    return { t: p.t, rq2xx: p.rq2xx + other, rq4xx: p.rq4xx, rq5xx: p.rq5xx };
  });
  return (
    <section className="card" aria-label="Requests per second">
      <div className="row" style={{ marginBottom: 8 }}>
        <h2 style={{ margin: 0 }}>Requests/s · last minute</h2>
        <span className="spacer" />
        <span className="small muted">
          node <code>local</code> · updates every second
        </span>
      </div>
      {loading ? (
        <Skeleton height={240} />
      ) : (
        <TimeSeriesChart
          label="Requests per second over the last minute, by response class"
          data={data}
          xKey="t"
          config={CONFIG}
          formatX={(t) => `-${Math.round((now - t) / 1000)}s`}
        />
      )}
    </section>
  );
}
