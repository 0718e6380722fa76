"use client";
// One virtual host's routes in match order (first match wins), with shadowing spelled out.
import type { DraftRouteRow } from "@/components/queries/types";
import { matchLabel, shadows } from "./route-form-model";

interface Props {
  rows: DraftRouteRow[];
  onEdit: (row: DraftRouteRow) => void;
  onDelete: (row: DraftRouteRow) => void;
  onMove: (row: DraftRouteRow, direction: "up" | "down") => void;
  moving: boolean;
}

const truncate = (s: string, n: number) => (s.length > n ? s.slice(0, n - 1) + "…" : s);

function ActionCell({ row }: { row: DraftRouteRow }) {
  const r = row.route;
  const w = r.route?.weighted_clusters;
  if (w) {
    const total = w.clusters.reduce((a, c) => a + c.weight, 0) || 1;
    return (
      <span>
        → split{" "}
        {w.clusters.map((c, i) => (
          <span key={c.name}>
            {i > 0 && " · "}
            <code>{c.name}</code> <span className="muted small">{Math.round((c.weight / total) * 100)}%</span>
          </span>
        ))}
      </span>
    );
  }
  if (r.route)
    return (
      <span>
        → <code>{r.route.cluster}</code>
        {r.route.timeout && <span className="muted small"> · timeout {r.route.timeout}</span>}
        {r.route.prefix_rewrite !== undefined && <span className="muted small"> · rewrite → {r.route.prefix_rewrite || '""'}</span>}
        {r.route.retry_policy && <span className="muted small"> · retries</span>}
      </span>
    );
  if (r.redirect) {
    const d = r.redirect;
    const target = [d.https_redirect ? "https" : d.scheme_redirect, d.host_redirect, d.path_redirect ?? d.prefix_rewrite].filter(Boolean).join(" ");
    return (
      <span>
        <span className="badge">{d.response_code ?? "MOVED_PERMANENTLY"}</span> <span className="muted small">redirect {target}</span>
      </span>
    );
  }
  if (r.direct_response)
    return (
      <span>
        <span className="badge">{r.direct_response.status}</span>{" "}
        <span className="muted small">direct response{r.direct_response.body?.inline_string ? `: “${truncate(r.direct_response.body.inline_string, 60)}”` : ""}</span>
      </span>
    );
  return <span className="muted">—</span>;
}

function conditions(row: DraftRouteRow): string[] {
  const m = row.route.match;
  return [
    ...(m.headers ?? []).map((h) => `header ${h.name}${h.present_match !== undefined ? (h.present_match ? " present" : " absent") : h.string_match ? " matches" : ""}`),
    ...(m.query_parameters ?? []).map((q) => `query ${q.name}`),
  ];
}

export function RouteTable({ rows, onEdit, onDelete, onMove, moving }: Props) {
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th className="num" style={{ width: 48 }}>#</th>
            <th>Match</th>
            <th>Action</th>
            <th className="actions">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => {
            const m = matchLabel(row.route);
            const shadowedBy = rows.slice(0, i).findIndex((earlier) => shadows(earlier.route, row.route));
            const label = `route ${i + 1} (${m.kind} ${m.value})`;
            return (
              <tr key={row.id} data-testid="route-row">
                <td className="num muted">{i + 1}</td>
                <td>
                  <span className="badge accent">{m.kind}</span> <code>{m.value}</code>
                  {row.route.match.case_sensitive === false && <span className="muted small"> · any case</span>}
                  {row.route.name && <span className="muted small"> · {row.route.name}</span>}
                  {conditions(row).length > 0 && <div className="muted small">+ {conditions(row).join(", ")}</div>}
                  {shadowedBy >= 0 && (
                    <div className="small" style={{ color: "var(--amber)" }}>
                      Route {i + 1} can never match: route {shadowedBy + 1} matches every request it would.
                    </div>
                  )}
                </td>
                <td>
                  <ActionCell row={row} />
                </td>
                <td className="actions">
                  <div className="row" style={{ justifyContent: "flex-end", gap: 4 }}>
                    <button type="button" className="btn icon" aria-label={`Move ${label} up`} disabled={i === 0 || moving} onClick={() => onMove(row, "up")}>
                      ↑
                    </button>
                    <button type="button" className="btn icon" aria-label={`Move ${label} down`} disabled={i === rows.length - 1 || moving} onClick={() => onMove(row, "down")}>
                      ↓
                    </button>
                    <button type="button" className="btn small" aria-label={`Edit ${label}`} onClick={() => onEdit(row)}>
                      Edit
                    </button>
                    <button type="button" className="btn small danger" aria-label={`Delete ${label}`} onClick={() => onDelete(row)}>
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
