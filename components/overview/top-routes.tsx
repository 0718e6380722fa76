"use client";
// The busiest and the most failing routes over the last 5 minutes (GET /api/telemetry/summary).
import Link from "next/link";
import { useMemo } from "react";
import { useSummaryQuery } from "@/components/queries/use-summary-query";
import { fmtMs, fmtRatio, fmtRps, ratioTone } from "@/components/telemetry/format";
import { topRoutes, type RankedRoute } from "@/components/telemetry/series-model";
import { DataTable, type Column } from "@/components/ui/data-table";
import { ErrorState } from "@/components/ui/error-state";
import { TableSkeleton } from "@/components/ui/skeleton";

const routeCell = (r: RankedRoute) => (
  <Link href={`/routes?q=${encodeURIComponent(r.route)}`} title={`virtual host ${r.vhost}`}>
    <code>{r.route}</code>
  </Link>
);

const TRAFFIC: Column<RankedRoute>[] = [
  { key: "route", header: "Route (stat prefix)", cell: routeCell },
  { key: "vhost", header: "Virtual host", cell: (r) => <span className="small">{r.vhost}</span> },
  { key: "rps", header: "Req/s", num: true, cell: (r) => fmtRps(r.rps) },
  { key: "p99", header: "p99", num: true, cell: (r) => fmtMs(r.p99) },
];

const ERRORS: Column<RankedRoute>[] = [
  { key: "route", header: "Route (stat prefix)", cell: routeCell },
  { key: "vhost", header: "Virtual host", cell: (r) => <span className="small">{r.vhost}</span> },
  { key: "errors", header: "5xx/s", num: true, cell: (r) => fmtRps(r.errorRps) },
  { key: "ratio", header: "Error ratio", num: true, cell: (r) => <span className={`tone-${ratioTone(r.errorRatio)}`}>{fmtRatio(r.errorRatio)}</span> },
];

const key = (r: RankedRoute) => `${r.vhost}\u0000${r.route}`;

export function TopRoutes() {
  const summary = useSummaryQuery({ window: "5m" });
  const top = useMemo(() => topRoutes(summary.data), [summary.data]);
  return (
    <section className="card" aria-label="Top routes">
      <h2>Top routes · last 5 min</h2>
      {summary.isPending ? (
        <TableSkeleton label="Loading top routes" rows={3} />
      ) : summary.isError ? (
        <ErrorState what="route figures" error={summary.error} onRetry={() => summary.refetch()} />
      ) : (
        <div className="stack">
          <h3>By traffic</h3>
          <DataTable
            label="Top routes by traffic"
            columns={TRAFFIC}
            rows={top.byTraffic}
            rowKey={key}
            rowTestId="top-route"
            empty="No route with a stat_prefix had traffic in the last 5 minutes. Routes are counted under their stat_prefix."
          />
          <h3>By errors</h3>
          <DataTable label="Top routes by errors" columns={ERRORS} rows={top.byErrors} rowKey={key} empty="No route answered 5xx in the last 5 minutes." />
        </div>
      )}
    </section>
  );
}
