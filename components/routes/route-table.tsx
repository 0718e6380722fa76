"use client";
// One virtual host's routes in match order (first match wins), with shadowing spelled out, and each route's
// live requests/s, error ratio and p99 (kept per route `stat_prefix`, so a route without one has none).
import type { DraftRouteRow } from "@/components/queries/types";
import type { LiveState } from "@/components/queries/use-live-ticks";
import { statPrefixOf } from "@/components/telemetry/live-figures";
import { figuresSource, TrafficCell } from "@/components/telemetry/traffic-cell";
import { DataTable, type Column } from "@/components/ui/data-table";
import { matchLabel, shadows } from "./route-form-model";

interface Props {
  rows: DraftRouteRow[];
  onEdit: (row: DraftRouteRow) => void;
  onDelete: (row: DraftRouteRow) => void;
  onMove: (row: DraftRouteRow, direction: "up" | "down") => void;
  moving: boolean;
  live: LiveState;
}

const NO_PREFIX = "No stats for this route: it has no stat_prefix. Envoy keeps per-route stats (vhost.<virtual host>.route.<stat_prefix>.*) only for routes that set one.";

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

interface Item {
  row: DraftRouteRow;
  index: number;
  shadowedBy: number;
}

function LiveCell({ row, kind, live }: { row: DraftRouteRow; kind: "rps" | "errorRatio" | "p99"; live: LiveState }) {
  const prefix = statPrefixOf(row.route);
  if (!prefix)
    return (
      <span className="muted" title={NO_PREFIX}>
        —{kind === "rps" && <span className="sr-only"> (no stats: the route has no stat_prefix)</span>}
      </span>
    );
  return <TrafficCell target={{ type: "route", vhost: row.virtualHost, route: prefix }} kind={kind} live={live} />;
}

export function RouteTable({ rows, onEdit, onDelete, onMove, moving, live }: Props) {
  const items: Item[] = rows.map((row, i) => ({ row, index: i, shadowedBy: rows.slice(0, i).findIndex((earlier) => shadows(earlier.route, row.route)) }));
  const source = figuresSource(live);
  const columns: Column<Item>[] = [
    { key: "n", header: "#", num: true, width: 48, cell: (it) => <span className="muted">{it.index + 1}</span> },
    {
      key: "match",
      header: "Match",
      cell: ({ row, index, shadowedBy }) => {
        const m = matchLabel(row.route);
        const prefix = statPrefixOf(row.route);
        return (
          <>
            <span className="badge accent">{m.kind}</span> <code>{m.value}</code>
            {row.route.match.case_sensitive === false && <span className="muted small"> · any case</span>}
            {row.route.name && <span className="muted small"> · {row.route.name}</span>}
            {prefix && <span className="muted small" title="stat_prefix: its stats are vhost.<virtual host>.route.<stat_prefix>.*"> · stats <code>{prefix}</code></span>}
            {conditions(row).length > 0 && <div className="muted small">+ {conditions(row).join(", ")}</div>}
            {shadowedBy >= 0 && (
              <div className="small" style={{ color: "var(--amber)" }}>
                Route {index + 1} can never match: route {shadowedBy + 1} matches every request it would.
              </div>
            )}
          </>
        );
      },
    },
    { key: "action", header: "Action", cell: ({ row }) => <ActionCell row={row} /> },
    { key: "rps", header: "Req/s", num: true, title: `Requests per second, ${source}`, cell: ({ row }) => <LiveCell row={row} kind="rps" live={live} /> },
    { key: "err", header: "Errors", num: true, title: `5xx share of responses, ${source}`, cell: ({ row }) => <LiveCell row={row} kind="errorRatio" live={live} /> },
    { key: "p99", header: "p99", num: true, title: `99th percentile latency, ${source}`, cell: ({ row }) => <LiveCell row={row} kind="p99" live={live} /> },
    {
      key: "actions",
      header: <span className="sr-only">Actions</span>,
      className: "actions",
      cell: ({ row, index }) => {
        const m = matchLabel(row.route);
        const label = `route ${index + 1} (${m.kind} ${m.value})`;
        return (
          <div className="row" style={{ justifyContent: "flex-end", gap: 4 }}>
            <button type="button" className="btn icon" aria-label={`Move ${label} up`} disabled={index === 0 || moving} onClick={() => onMove(row, "up")}>
              ↑
            </button>
            <button type="button" className="btn icon" aria-label={`Move ${label} down`} disabled={index === rows.length - 1 || moving} onClick={() => onMove(row, "down")}>
              ↓
            </button>
            <button type="button" className="btn small" aria-label={`Edit ${label}`} onClick={() => onEdit(row)}>
              Edit
            </button>
            <button type="button" className="btn small danger" aria-label={`Delete ${label}`} onClick={() => onDelete(row)}>
              Delete
            </button>
          </div>
        );
      },
    },
  ];
  return <DataTable label="Routes in match order" columns={columns} rows={items} rowKey={(it) => it.row.id} rowTestId="route-row" pageSize={200} />;
}
