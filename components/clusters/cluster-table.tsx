"use client";
// Every draft cluster with its live traffic and how close each circuit breaker is to its threshold.
import Link from "next/link";
import type { UseQueryResult } from "@tanstack/react-query";
import type { ClusterLive } from "@/lib/contract/telemetry";
import type { DraftClusterRow } from "@/components/queries/types";
import type { LiveState } from "@/components/queries/use-live-ticks";
import { figuresSource, TrafficCell } from "@/components/telemetry/traffic-cell";
import { DataTable, type Column } from "@/components/ui/data-table";
import { StatusChip } from "@/components/ui/status-chip";
import { healthyCount } from "./endpoint-health";
import { UsageBars } from "./usage-bars";

function endpointsOf(row: DraftClusterRow) {
  return (row.cluster.load_assignment?.endpoints ?? []).flatMap((l) => l.lb_endpoints);
}

interface Props {
  rows: DraftClusterRow[];
  usage: Map<string, number>;
  live: LiveState;
  /** per cluster name: GET /api/telemetry/clusters/{name} */
  liveByName: Map<string, UseQueryResult<ClusterLive>>;
  onDelete: (name: string) => void;
}

function EndpointsCell({ row, live }: { row: DraftClusterRow; live: ClusterLive | undefined }) {
  const eps = endpointsOf(row);
  if (eps.length === 0) return <span className="chip red plain">none</span>;
  const h = live ? healthyCount(live) : null;
  return (
    <span className="small">
      {h && h.total > 0 && (
        <StatusChip tone={h.healthy === h.total ? "green" : h.healthy === 0 ? "red" : "amber"} title="healthy / all endpoints, from health checks and outlier detection">
          {h.healthy}/{h.total}
        </StatusChip>
      )}{" "}
      <span className="mono">
        {eps.slice(0, 2).map((e) => `${e.endpoint.address.socket_address.address}:${e.endpoint.address.socket_address.port_value}`).join(", ")}
        {eps.length > 2 && ` +${eps.length - 2}`}
      </span>
    </span>
  );
}

export function ClusterTable({ rows, usage, live, liveByName, onDelete }: Props) {
  const source = figuresSource(live);
  const columns: Column<DraftClusterRow>[] = [
    {
      key: "name",
      header: "Name",
      cell: (row) => (
        <Link href={`/clusters/${encodeURIComponent(row.name)}`}>
          <code>{row.name}</code>
        </Link>
      ),
    },
    { key: "endpoints", header: "Endpoints", cell: (row) => <EndpointsCell row={row} live={liveByName.get(row.name)?.data} /> },
    { key: "lb", header: "LB policy", cell: (row) => <span className="small">{row.cluster.lb_policy ?? "ROUND_ROBIN"}</span> },
    {
      key: "breakers",
      header: "Circuit breakers",
      title: "In use now against each threshold: connections, pending requests, requests, retries",
      cell: (row) => {
        const q = liveByName.get(row.name);
        if (q?.data) return <UsageBars usage={q.data.usage} />;
        return <span className="muted small">{q?.isError ? "—" : "…"}</span>;
      },
    },
    { key: "rps", header: "Req/s", num: true, title: `Requests per second, ${source}`, cell: (row) => <TrafficCell target={{ type: "cluster", name: row.name }} kind="rps" live={live} /> },
    { key: "err", header: "Errors", num: true, title: `5xx share of responses, ${source}`, cell: (row) => <TrafficCell target={{ type: "cluster", name: row.name }} kind="errorRatio" live={live} /> },
    { key: "routes", header: "Routes", num: true, cell: (row) => usage.get(row.name) ?? 0 },
    {
      key: "actions",
      header: <span className="sr-only">Actions</span>,
      className: "actions",
      cell: (row) => (
        <div className="row" style={{ justifyContent: "flex-end", gap: 4 }}>
          <Link className="btn small" href={`/clusters/${encodeURIComponent(row.name)}?tab=settings`} aria-label={`Edit cluster ${row.name}`}>
            Edit
          </Link>
          <button type="button" className="btn small danger" aria-label={`Delete cluster ${row.name}`} onClick={() => onDelete(row.name)}>
            Delete
          </button>
        </div>
      ),
    },
  ];
  return <DataTable label="Clusters" columns={columns} rows={rows} rowKey={(r) => r.name} rowTestId="cluster-row" pageSize={50} />;
}
