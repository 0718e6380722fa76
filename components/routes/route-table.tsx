"use client";
// Every draft route in one virtualised table: a header row per virtual host (listener and domains), its routes in
// match order (first match wins) with shadowing spelled out, and each route's live requests/s, error ratio and p99
// (kept per route `stat_prefix`, so a route without one has none). The rows' labels and shadowing come from
// route-table-model.ts, worked out once per change of the routes.
import { useCallback, useMemo, type ReactNode } from "react";
import type { DraftRouteRow } from "@/components/queries/types";
import type { LiveState } from "@/components/queries/use-live-ticks";
import { figuresSource, TrafficCell } from "@/components/telemetry/traffic-cell";
import { DataTable, type Column, type QueryState } from "@/components/ui/data-table";
import type { RouteGroup, RouteItem } from "./route-table-model";
import { isStarterCatchAll } from "@/lib/contract/route-shadow";
import { Truncate } from "@/components/ui/truncate";
import { OwnerControl, useOwnerColumn, readOnlyReason } from "@/components/teams/owner-control";

interface Props {
  /** undefined while `query` loads */
  items: RouteItem[] | undefined;
  groups: Map<string, RouteGroup>;
  query: QueryState;
  /** the filter's text and its setter (kept in the URL by the page) */
  filter: { value: string; onChange: (q: string) => void };
  empty: ReactNode;
  onEdit: (row: DraftRouteRow) => void;
  onDelete: (row: DraftRouteRow) => void;
  onMove: (row: DraftRouteRow, direction: "up" | "down") => void;
  moving: boolean;
  live: LiveState;
  /** controls next to the filter (the "Mine" toggle) */
  toolbar?: ReactNode;
  /** a viewer's table: one View per row (onEdit opens the panel read-only), no move, edit or delete */
  readOnly?: boolean;
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
            <Truncate mono max={24}>{c.name}</Truncate> <span className="muted small">{Math.round((c.weight / total) * 100)}%</span>
          </span>
        ))}
      </span>
    );
  }
  if (r.route)
    return (
      <span>
        → <Truncate mono>{r.route.cluster ?? ""}</Truncate>
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

/** The action in words, for the filter. */
function actionText(row: DraftRouteRow): string {
  const r = row.route;
  if (r.route?.weighted_clusters) return r.route.weighted_clusters.clusters.map((c) => c.name).join(" ");
  if (r.route) return r.route.cluster ?? "";
  if (r.redirect) return `redirect ${r.redirect.host_redirect ?? ""} ${r.redirect.path_redirect ?? ""}`;
  if (r.direct_response) return `${r.direct_response.status} direct response`;
  return "";
}

function LiveCell({ item, kind, live }: { item: RouteItem; kind: "rps" | "errorRatio" | "p99"; live: LiveState }) {
  if (!item.statPrefix)
    return (
      <span className="muted" title={NO_PREFIX}>
        —{kind === "rps" && <span className="sr-only"> (no stats: the route has no stat_prefix)</span>}
      </span>
    );
  return <TrafficCell target={{ type: "route", vhost: item.row.virtualHost, route: item.statPrefix }} kind={kind} live={live} />;
}

function MatchCell({ item }: { item: RouteItem }) {
  const { row, match, conditions, statPrefix, shadowedBy, index } = item;
  return (
    <>
      <span className="badge accent">{match.kind}</span> <Truncate mono max={48}>{match.value}</Truncate>
      {row.route.match.case_sensitive === false && <span className="muted small"> · any case</span>}
      {row.route.name && <span className="muted small"> · {row.route.name}{isStarterCatchAll(row.route) && <> · <span className="badge" title="The starter version's route: it answers every request no route above it takes">starter catch-all</span></>}</span>}
      {statPrefix && (
        <span className="muted small" title="stat_prefix: its stats are vhost.<virtual host>.route.<stat_prefix>.*">
          {" "}
          · stats <code>{statPrefix}</code>
        </span>
      )}
      {conditions.length > 0 && <div className="muted small">+ {conditions.join(", ")}</div>}
      {shadowedBy >= 0 && (
        <div className="small" style={{ color: "var(--amber)" }}>
          Route {index + 1} can never match: route {shadowedBy + 1} matches every request it would.
        </div>
      )}
    </>
  );
}

const itemKey = (it: RouteItem) => it.row.id;
const groupOf = (it: RouteItem) => it.group;
// the whole route as stored (headers, rewrites, timeouts…) and where it sits: what the filter searched before
const searchText = (it: RouteItem) => `${JSON.stringify(it.row.route)}\n${it.row.listener} ${it.row.virtualHost} ${it.row.domains.join(" ")}`;

export function RouteTable({ items, groups, query, filter, empty, onEdit, onDelete, onMove, moving, live, toolbar, readOnly = false }: Props) {
  const withOwner = useOwnerColumn((items ?? []).map((it) => it.row.owner));
  const columns = useMemo<Column<RouteItem>[]>(() => {
    const source = figuresSource(live);
    const cols: Column<RouteItem>[] = [
      { key: "n", header: "#", num: true, width: 48, cell: (it) => <span className="muted">{it.index + 1}</span> },
      { key: "match", header: "Match", cell: (it) => <MatchCell item={it} />, value: (it) => `${it.match.kind} ${it.match.value} ${it.conditions.join(" ")}` },
      { key: "action", header: "Action", cell: (it) => <ActionCell row={it.row} />, value: (it) => actionText(it.row) },
      {
        key: "owner",
        header: "Owner",
        width: 120,
        title: "The team owning the route (or its virtual host): only its members or an admin change it",
        value: (it) => it.row.owner ?? "",
        cell: (it) => <OwnerControl owner={it.row.owner} label={`route ${it.index + 1} (${it.match.kind} ${it.match.value})`} target={{ kind: "route", id: it.row.id }} />,
      },
      { key: "rps", header: "Req/s", num: true, width: 80, title: `Requests per second, ${source}`, cell: (it) => <LiveCell item={it} kind="rps" live={live} /> },
      { key: "err", header: "Errors", num: true, width: 80, title: `5xx share of responses, ${source}`, cell: (it) => <LiveCell item={it} kind="errorRatio" live={live} /> },
      { key: "p99", header: "p99", num: true, width: 80, title: `99th percentile latency, ${source}`, cell: (it) => <LiveCell item={it} kind="p99" live={live} /> },
    ];
    return withOwner ? cols : cols.filter((c) => c.key !== "owner");
  }, [live, withOwner]);

  // a move swaps a route with its neighbour, which changes the neighbour's place too: not past a route the caller
  // may not change (the API would refuse it)
  const lockedNeighbours = useMemo(() => {
    const out = new Map<string, { up: boolean; down: boolean }>();
    const list = items ?? [];
    list.forEach((it, i) => {
      const prev = list[i - 1];
      const next = list[i + 1];
      out.set(it.row.id, {
        up: prev?.group === it.group && prev.row.editable === false,
        down: next?.group === it.group && next.row.editable === false,
      });
    });
    return out;
  }, [items]);

  const rowActions = useCallback(
    (it: RouteItem) => {
      const { row, index, last, match } = it;
      const neighbour = lockedNeighbours.get(row.id);
      const label = `route ${index + 1} (${match.kind} ${match.value})`;
      // another team's route: read-only here, as the API would refuse the change (lib/teams/)
      const locked = row.editable === false;
      const why = locked ? readOnlyReason("route", row.owner) : undefined;
      if (readOnly)
        return (
          <div className="row" style={{ justifyContent: "flex-end", gap: 4 }}>
            <button type="button" className="btn small" aria-label={`View ${label}`} onClick={() => onEdit(row)}>
              View
            </button>
          </div>
        );
      return (
        <div className="row" style={{ justifyContent: "flex-end", gap: 4 }}>
          <button type="button" className="btn icon" aria-label={`Move ${label} up`} title={why ?? (neighbour?.up ? "The route above belongs to another team" : undefined)} disabled={index === 0 || moving || locked || neighbour?.up} onClick={() => onMove(row, "up")}>
            ↑
          </button>
          <button type="button" className="btn icon" aria-label={`Move ${label} down`} title={why ?? (neighbour?.down ? "The route below belongs to another team" : undefined)} disabled={last || moving || locked || neighbour?.down} onClick={() => onMove(row, "down")}>
            ↓
          </button>
          <button type="button" className="btn small" aria-label={`Edit ${label}`} title={why} disabled={locked} onClick={() => onEdit(row)}>
            Edit
          </button>
          <button type="button" className="btn small danger" aria-label={`Delete ${label}`} title={why} disabled={locked} onClick={() => onDelete(row)}>
            Delete
          </button>
        </div>
      );
    },
    [moving, onMove, onEdit, onDelete, lockedNeighbours, readOnly],
  );

  const groupBy = useMemo(
    () => ({
      of: groupOf,
      header: (key: string) => {
        const g = groups.get(key);
        if (!g) return key;
        return (
          <div className="group-head">
            <h2 style={{ margin: 0 }}>
              <Truncate>{g.virtualHost}</Truncate>
            </h2>
            <span className="muted small">
              listener <Truncate mono>{g.listener}</Truncate> · domains {g.domains.map((d) => <code key={d}>{d} </code>)}
            </span>
          </div>
        );
      },
    }),
    [groups],
  );

  const onActivate = useCallback((it: RouteItem) => (it.row.editable === false && !readOnly ? undefined : onEdit(it.row)), [onEdit, readOnly]);

  return (
    <DataTable
      label="Routes in match order"
      what="routes"
      columns={columns}
      rows={items}
      rowKey={itemKey}
      rowTestId="route-row"
      query={query}
      empty={empty}
      filter={{ label: "Filter routes", placeholder: "Filter routes…", value: filter.value, onChange: filter.onChange }}
      searchText={searchText}
      groupBy={groupBy}
      rowActions={rowActions}
      onRowActivate={onActivate}
      toolbar={toolbar}
    />
  );
}
