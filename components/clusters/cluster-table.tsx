"use client";
import Link from "next/link";
import type { DraftClusterRow } from "@/components/queries/types";

function endpointsOf(row: DraftClusterRow) {
  return (row.cluster.load_assignment?.endpoints ?? []).flatMap((l) => l.lb_endpoints);
}

function thresholdsLabel(row: DraftClusterRow): string {
  const t = row.cluster.circuit_breakers?.thresholds?.find((x) => (x.priority ?? "DEFAULT") === "DEFAULT");
  if (!t) return "defaults";
  const v = (n: number | undefined, d: number) => (n === undefined ? d : n);
  return `${v(t.max_connections, 1024)} / ${v(t.max_pending_requests, 1024)} / ${v(t.max_requests, 1024)} / ${v(t.max_retries, 3)}`;
}

export function ClusterTable({ rows, usage, onDelete }: { rows: DraftClusterRow[]; usage: Map<string, number>; onDelete: (name: string) => void }) {
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th>Name</th>
            <th>Endpoints</th>
            <th>Type</th>
            <th>LB policy</th>
            <th title="max_connections / max_pending_requests / max_requests / max_retries">Circuit breakers</th>
            <th className="num">Routes</th>
            <th className="actions">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const eps = endpointsOf(row);
            return (
              <tr key={row.name} data-testid="cluster-row">
                <td>
                  <Link href={`/clusters/${encodeURIComponent(row.name)}`}>
                    <code>{row.name}</code>
                  </Link>
                </td>
                <td>
                  {eps.length === 0 ? (
                    <span className="chip red plain">none</span>
                  ) : (
                    <span className="mono small">
                      {eps.slice(0, 3).map((e) => `${e.endpoint.address.socket_address.address}:${e.endpoint.address.socket_address.port_value}`).join(", ")}
                      {eps.length > 3 && ` +${eps.length - 3}`}
                    </span>
                  )}
                </td>
                <td className="small">{row.cluster.type ?? "STATIC"}</td>
                <td className="small">{row.cluster.lb_policy ?? "ROUND_ROBIN"}</td>
                <td className="small mono">{thresholdsLabel(row)}</td>
                <td className="num">{usage.get(row.name) ?? 0}</td>
                <td className="actions">
                  <div className="row" style={{ justifyContent: "flex-end", gap: 4 }}>
                    <Link className="btn small" href={`/clusters/${encodeURIComponent(row.name)}`} aria-label={`Edit cluster ${row.name}`}>
                      Edit
                    </Link>
                    <button type="button" className="btn small danger" aria-label={`Delete cluster ${row.name}`} onClick={() => onDelete(row.name)}>
                      Delete
                    </button>
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
