"use client";
// Every draft cluster with its live traffic and how close each circuit breaker is to its threshold. Breaker usage
// and endpoint health come one cluster per request (GET /api/telemetry/clusters/{name}): each rendered row asks for
// its own, so only the clusters in view are polled, however many there are.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useMemo, type ReactNode } from "react";
import type { DraftClusterRow } from "@/components/queries/types";
import { useClusterLiveQuery } from "@/components/queries/use-cluster-live-query";
import type { LiveState } from "@/components/queries/use-live-ticks";
import { figuresSource, TrafficCell } from "@/components/telemetry/traffic-cell";
import { DataTable, type Column, type QueryState } from "@/components/ui/data-table";
import { StatusChip } from "@/components/ui/status-chip";
import { healthyCount } from "./endpoint-health";
import { UsageBars } from "./usage-bars";
import { Truncate } from "@/components/ui/truncate";
import { OwnerControl, readOnlyReason, useOwnerColumn } from "@/components/teams/owner-control";

function endpointsOf(row: DraftClusterRow) {
  return (row.cluster.load_assignment?.endpoints ?? []).flatMap((l) => l.lb_endpoints);
}
const addressOf = (e: ReturnType<typeof endpointsOf>[number]) => `${e.endpoint.address.socket_address.address}:${e.endpoint.address.socket_address.port_value}`;

interface Props {
  /** undefined while `query` loads */
  rows: DraftClusterRow[] | undefined;
  query: QueryState;
  empty: ReactNode;
  /** routes per cluster name */
  usage: Map<string, number>;
  live: LiveState;
  onDelete: (name: string) => void;
  /** a viewer's table: no Edit or Delete (a row still opens the cluster's detail) */
  readOnly?: boolean;
}

function EndpointsCell({ row }: { row: DraftClusterRow }) {
  const live = useClusterLiveQuery(row.name).data;
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
        {eps.slice(0, 2).map(addressOf).join(", ")}
        {eps.length > 2 && ` +${eps.length - 2}`}
      </span>
    </span>
  );
}

function BreakersCell({ name }: { name: string }) {
  const q = useClusterLiveQuery(name);
  if (q.data) return <UsageBars usage={q.data.usage} />;
  return <span className="muted small">{q.isError ? "—" : "…"}</span>;
}

const nameOf = (r: DraftClusterRow) => r.name;
const detailHref = (name: string) => `/clusters/${encodeURIComponent(name)}`;

export function ClusterTable({ rows, query, empty, usage, live, onDelete, readOnly = false }: Props) {
  const router = useRouter();
  const withOwner = useOwnerColumn((rows ?? []).map((r) => r.owner));
  const columns = useMemo<Column<DraftClusterRow>[]>(() => {
    const source = figuresSource(live);
    const cols: Column<DraftClusterRow>[] = [
      {
        key: "name",
        header: "Name",
        value: nameOf,
        sortable: true,
        cell: (row) => (
          <Link href={detailHref(row.name)}>
            <Truncate mono>{row.name}</Truncate>
          </Link>
        ),
      },
      { key: "endpoints", header: "Endpoints", value: (row) => endpointsOf(row).map(addressOf).join(" "), cell: (row) => <EndpointsCell row={row} /> },
      { key: "lb", header: "LB policy", value: (row) => row.cluster.lb_policy ?? "ROUND_ROBIN", sortable: true, cell: (row) => <span className="small">{row.cluster.lb_policy ?? "ROUND_ROBIN"}</span> },
      { key: "breakers", header: "Circuit breakers", title: "In use now against each threshold: connections, pending requests, requests, retries", cell: (row) => <BreakersCell name={row.name} /> },
      { key: "rps", header: "Req/s", num: true, title: `Requests per second, ${source}`, cell: (row) => <TrafficCell target={{ type: "cluster", name: row.name }} kind="rps" live={live} /> },
      { key: "err", header: "Errors", num: true, title: `5xx share of responses, ${source}`, cell: (row) => <TrafficCell target={{ type: "cluster", name: row.name }} kind="errorRatio" live={live} /> },
      { key: "routes", header: "Routes", num: true, value: (row) => usage.get(row.name) ?? 0, sortable: true, cell: (row) => usage.get(row.name) ?? 0 },
      {
        key: "owner",
        header: "Owner",
        title: "The team owning the cluster: only its members or an admin change it",
        value: (row) => row.owner ?? "",
        sortable: true,
        cell: (row) => <OwnerControl owner={row.owner} label={`cluster ${row.name}`} target={{ kind: "cluster", name: row.name }} />,
      },
    ];
    return withOwner ? cols : cols.filter((c) => c.key !== "owner");
  }, [live, usage, withOwner]);

  const rowActions = useCallback(
    (row: DraftClusterRow) =>
      // another team's cluster: read-only here, as the API would refuse the change (lib/teams/)
      row.editable === false ? (
        <div className="row" style={{ justifyContent: "flex-end", gap: 4 }}>
          <button type="button" className="btn small" aria-label={`Edit cluster ${row.name}`} title={readOnlyReason("cluster", row.owner)} disabled>
            Edit
          </button>
          <button type="button" className="btn small danger" aria-label={`Delete cluster ${row.name}`} title={readOnlyReason("cluster", row.owner)} disabled>
            Delete
          </button>
        </div>
      ) : (
        <div className="row" style={{ justifyContent: "flex-end", gap: 4 }}>
          <Link className="btn small" href={`${detailHref(row.name)}?tab=settings`} aria-label={`Edit cluster ${row.name}`}>
            Edit
          </Link>
          <button type="button" className="btn small danger" aria-label={`Delete cluster ${row.name}`} onClick={() => onDelete(row.name)}>
            Delete
          </button>
        </div>
      ),
    [onDelete],
  );

  return (
    <DataTable
      label="Clusters"
      what="clusters"
      columns={columns}
      rows={rows}
      rowKey={nameOf}
      rowTestId="cluster-row"
      query={query}
      empty={empty}
      filter={{ label: "Filter clusters", placeholder: "Filter clusters…" }}
      // the whole cluster as stored (health checks, thresholds, endpoints): what the filter searched before
      searchText={clusterText}
      rowActions={readOnly ? undefined : rowActions}
      onRowActivate={(row) => router.push(detailHref(row.name))}
    />
  );
}

const clusterText = (row: DraftClusterRow) => JSON.stringify(row.cluster);
