"use client";
// The cluster's endpoints as the workers see them right now: weight, health (active checks and outlier
// detection), traffic. Before the workers report the cluster, the draft's endpoints are listed without figures.
import type { ClusterLive } from "@/lib/contract/telemetry";
import type { DraftClusterRow } from "@/components/queries/types";
import { useClusterLiveQuery } from "@/components/queries/use-cluster-live-query";
import { errorMessage } from "@/components/queries/api-client";
import { fmtRps } from "@/components/telemetry/format";
import { DataTable, type Column } from "@/components/ui/data-table";
import { TableSkeleton } from "@/components/ui/skeleton";
import { StatusChip } from "@/components/ui/status-chip";
import { healthOf } from "./endpoint-health";

type Endpoint = ClusterLive["endpoints"][number];

const COLUMNS: Column<Endpoint>[] = [
  { key: "address", header: "Address", cell: (e) => <code>{e.address}</code> },
  { key: "weight", header: "Weight", num: true, cell: (e) => e.weight },
  {
    key: "health",
    header: "Health",
    title: "From active health checks and outlier detection (Envoy's health_flags)",
    cell: (e) => {
      const h = healthOf(e.healthFlags);
      return (
        <StatusChip tone={h.tone} title={e.healthFlags}>
          {h.text}
        </StatusChip>
      );
    },
  },
  { key: "rps", header: "Req/s", num: true, cell: (e) => fmtRps(e.rps) },
  { key: "errors", header: "Errors/s", num: true, title: "Requests per second that failed (5xx, reset, timeout)", cell: (e) => <span className={e.errorRps > 0 ? "tone-red" : undefined}>{fmtRps(e.errorRps)}</span> },
  { key: "active", header: "Active requests", num: true, cell: (e) => e.activeRequests },
  { key: "cx", header: "Connections", num: true, cell: (e) => e.activeConnections },
];

export function EndpointsTab({ name, row }: { name: string; row: DraftClusterRow }) {
  const live = useClusterLiveQuery(name);
  if (live.isPending) return <TableSkeleton label="Loading endpoints" rows={3} />;
  if (live.data)
    return (
      <>
        <DataTable label={`Endpoints of ${name}`} columns={COLUMNS} rows={live.data.endpoints} rowKey={(e) => e.address} rowTestId="endpoint-live-row" empty="The workers report no endpoint for this cluster." />
        <p className="small muted">Merged over every node; refreshed every 5 s, as the workers report their hosts.</p>
      </>
    );
  const draft = (row.cluster.load_assignment?.endpoints ?? []).flatMap((l) => l.lb_endpoints);
  return (
    <>
      <div className="alert warn" role="status" style={{ marginBottom: 10 }}>
        <span>
          No live figures for this cluster: {errorMessage(live.error)}. A cluster appears here once a published version has it and a worker reports it.
        </span>
        <span className="spacer" />
        <button type="button" className="btn small" onClick={() => live.refetch()}>
          Retry
        </button>
      </div>
      <DataTable
        label={`Endpoints of ${name} in the draft`}
        columns={[
          { key: "address", header: "Address", cell: (e: (typeof draft)[number]) => <code>{`${e.endpoint.address.socket_address.address}:${e.endpoint.address.socket_address.port_value}`}</code> },
          { key: "weight", header: "Weight", num: true, cell: (e) => e.load_balancing_weight ?? 1 },
          { key: "health", header: "Health", cell: () => <StatusChip tone="grey">unknown</StatusChip> },
        ]}
        rows={draft}
        rowKey={(e, i) => `${e.endpoint.address.socket_address.address}:${e.endpoint.address.socket_address.port_value}#${i}`}
        empty="The cluster has no endpoints."
      />
    </>
  );
}
