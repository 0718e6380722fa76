"use client";
import { useSearchParams } from "next/navigation";
import { useMemo, useState } from "react";
import { errorMessage } from "@/components/queries/api-client";
import type { DraftRouteRow } from "@/components/queries/types";
import { useDraftClustersQuery } from "@/components/queries/use-draft-clusters-query";
import { useDraftRoutesQuery } from "@/components/queries/use-draft-routes-query";
import { useLiveTicks } from "@/components/queries/use-live-ticks";
import { useDeleteRouteMutation, useMoveRouteMutation } from "@/components/queries/use-route-mutations";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { TableSkeleton } from "@/components/ui/skeleton";
import { writeParams } from "@/components/ui/url-state";
import { LiveIndicator } from "@/components/telemetry/live-indicator";
import { matchLabel } from "./route-form-model";
import { RouteForm, type VhostOption } from "./route-form";
import { RouteTable } from "./route-table";
import { RouteTester } from "./route-tester";
import { RouteTests } from "./route-tests";

interface Group extends VhostOption {
  rows: DraftRouteRow[];
}

function groupRows(rows: DraftRouteRow[]): Group[] {
  const groups = new Map<string, Group>();
  for (const r of rows) {
    const key = `${r.listener}\u0000${r.virtualHost}`;
    if (!groups.has(key)) groups.set(key, { listener: r.listener, virtualHost: r.virtualHost, domains: r.domains ?? [], rows: [] });
    groups.get(key)!.rows.push(r);
  }
  for (const g of groups.values()) g.rows.sort((a, b) => a.position - b.position);
  return [...groups.values()];
}

export function RoutesPage() {
  const routes = useDraftRoutesQuery();
  const clusters = useDraftClustersQuery();
  const remove = useDeleteRouteMutation();
  const move = useMoveRouteMutation();
  const [editor, setEditor] = useState<{ row?: DraftRouteRow } | null>(null);
  const [deleting, setDeleting] = useState<DraftRouteRow | null>(null);
  const params = useSearchParams();
  // ?q= is the filter, so other pages (top routes, traces) can link to a route
  const [filter, setFilterState] = useState(() => params.get("q") ?? "");
  const setFilter = (q: string) => {
    setFilterState(q);
    writeParams({ q });
  };
  const live = useLiveTicks();

  const groups = useMemo(() => groupRows(routes.data ?? []), [routes.data]);
  const clusterNames = (clusters.data ?? []).map((c) => c.name);
  const q = filter.trim().toLowerCase();
  const visible = q
    ? groups.map((g) => ({
        ...g,
        rows: g.rows.filter((r) => JSON.stringify(r.route).toLowerCase().includes(q) || g.domains.join(" ").toLowerCase().includes(q)),
      }))
    : groups;

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Routes</h1>
          <p>Draft routes in match order: for each request the first matching route wins. Changes go live when you publish.</p>
        </div>
        <span className="spacer" />
        <LiveIndicator state={live} />
        <button type="button" className="btn primary" onClick={() => setEditor({})}>
          Add route
        </button>
      </div>

      <RouteTester listeners={[...new Set(groups.map((g) => g.listener))]} />

      {routes.isPending ? (
        <TableSkeleton label="Loading routes" />
      ) : routes.isError ? (
        <ErrorState what="routes" error={routes.error} onRetry={() => routes.refetch()} />
      ) : groups.length === 0 ? (
        <EmptyState title="No routes yet" action={<button type="button" className="btn primary" onClick={() => setEditor({})}>Add route</button>}>
          A route matches requests by path and sends them to a cluster or answers them directly.
        </EmptyState>
      ) : (
        <>
          <div className="row" style={{ marginBottom: 12, maxWidth: 360 }}>
            <input type="search" aria-label="Filter routes" placeholder="Filter routes…" value={filter} onChange={(e) => setFilter(e.target.value)} />
          </div>
          {(move.isError || remove.isError) && (
            <div className="alert" role="alert" style={{ marginBottom: 12 }}>
              {errorMessage(move.error ?? remove.error)}
            </div>
          )}
          {visible.map((g) => (
            <section key={`${g.listener}/${g.virtualHost}`} aria-label={`Virtual host ${g.virtualHost}`}>
              <div className="group-head">
                <h2 style={{ margin: 0 }}>{g.virtualHost}</h2>
                <span className="muted small">
                  listener <code>{g.listener}</code> · domains {g.domains.map((d) => <code key={d}>{d} </code>)}
                </span>
              </div>
              {g.rows.length ? (
                <RouteTable
                  rows={g.rows}
                  moving={move.isPending}
                  live={live}
                  onEdit={(row) => setEditor({ row })}
                  onDelete={setDeleting}
                  onMove={(row, direction) => move.mutate({ id: row.id, direction })}
                />
              ) : (
                <p className="muted">No route matches “{filter}”.</p>
              )}
            </section>
          ))}
        </>
      )}

      <RouteTests />

      {editor && (
        <RouteForm
          editing={editor.row ? { id: editor.row.id, route: editor.row.route } : undefined}
          vhosts={groups}
          clusters={clusterNames}
          onClose={() => setEditor(null)}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title="Delete route?"
          confirmLabel="Delete route"
          danger
          pending={remove.isPending}
          onClose={() => setDeleting(null)}
          onConfirm={() => remove.mutate(deleting.id, { onSuccess: () => setDeleting(null) })}
        >
          <p style={{ margin: 0 }}>
            The route <span className="badge accent">{matchLabel(deleting.route).kind}</span> <code>{matchLabel(deleting.route).value}</code> is removed
            from the draft. Requests it matched fall through to the next matching route once you publish.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
