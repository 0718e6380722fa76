"use client";
import { useReadOnly, useReadOnlyReason } from "@/components/queries/use-session";
import { useCallback, useMemo, useState } from "react";
import { errorMessage } from "@/components/queries/api-client";
import type { DraftRouteRow } from "@/components/queries/types";
import { useDraftClustersQuery } from "@/components/queries/use-draft-clusters-query";
import { useDraftRoutesQuery } from "@/components/queries/use-draft-routes-query";
import { useMyTeamsQuery } from "@/components/queries/use-teams";
import { useVirtualHostOptions } from "@/components/queries/use-draft-listeners-query";
import { useLiveTicks } from "@/components/queries/use-live-ticks";
import { useDeleteRouteMutation, useMoveRouteMutation } from "@/components/queries/use-route-mutations";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { useUrlFilter } from "@/components/ui/use-url-filter";
import { LiveIndicator } from "@/components/telemetry/live-indicator";
import { matchLabel } from "./route-form-model";
import { RouteForm } from "./route-form";
import { RouteTable } from "./route-table";
import { routeItems } from "./route-table-model";
import { RouteTester } from "./route-tester";
import { RouteTests } from "./route-tests";

export function RoutesPage() {
  const routes = useDraftRoutesQuery();
  const clusters = useDraftClustersQuery();
  const remove = useDeleteRouteMutation();
  const move = useMoveRouteMutation();
  const [editor, setEditor] = useState<{ row?: DraftRouteRow } | null>(null);
  const [deleting, setDeleting] = useState<DraftRouteRow | null>(null);
  // ?q= is the filter, so other pages (top routes, traces) can link to a route
  const filter = useUrlFilter("q");
  const live = useLiveTicks();
  // "Mine": the routes one of my teams owns (?mine=1, so the view can be linked)
  const mine = useUrlFilter("mine");
  const myTeams = useMyTeamsQuery();

  // grouping, labels and shadowing: once per change of the routes, not per render
  const model = useMemo(() => routeItems(routes.data ?? []), [routes.data]);
  const vhosts = useMemo(() => [...model.groups.values()], [model]);
  const shown = useMemo(() => {
    if (mine.value !== "1") return model.items;
    const teams = new Set(myTeams.data?.teams ?? []);
    return model.items.filter((it) => !!it.row.owner && teams.has(it.row.owner));
  }, [model, mine.value, myTeams.data]);
  const listeners = useMemo(() => [...new Set(vhosts.map((g) => g.listener))], [vhosts]);
  const clusterNames = (clusters.data ?? []).map((c) => c.name);
  // the route form offers every virtual host, those without routes yet (a new listener's) included
  const targets = useVirtualHostOptions(vhosts);

  const { mutate: moveRoute, isPending: moving } = move;
  const onMove = useCallback((row: DraftRouteRow, direction: "up" | "down") => moveRoute({ id: row.id, direction }), [moveRoute]);
  const onEdit = useCallback((row: DraftRouteRow) => setEditor({ row }), []);
  // a viewer reads only (the API refuses their writes with 403)
  const readOnly = useReadOnly();
  const lockedReason = useReadOnlyReason();
  const addButton = (
    <button type="button" className="btn primary" onClick={() => setEditor({})} disabled={readOnly} title={lockedReason}>
      Add route
    </button>
  );

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Routes</h1>
          <p>Draft routes in match order: for each request the first matching route wins. Changes go live when you publish.</p>
        </div>
        <span className="spacer" />
        <LiveIndicator state={live} />
        {addButton}
      </div>

      <RouteTester listeners={listeners} />

      {(move.isError || remove.isError) && (
        <div className="alert" role="alert" style={{ marginBottom: 12 }}>
          {errorMessage(move.error ?? remove.error)}
        </div>
      )}
      <RouteTable
        items={routes.data ? shown : undefined}
        toolbar={
          <label className="row" style={{ gap: 4 }} title="Only the routes owned by one of your teams">
            <input type="checkbox" checked={mine.value === "1"} onChange={(e) => mine.onChange(e.target.checked ? "1" : "")} /> Mine
          </label>
        }
        groups={model.groups}
        query={routes}
        filter={filter}
        empty={
          <EmptyState title="No routes yet" action={addButton}>
            A route matches requests by path and sends them to a cluster or answers them directly.
          </EmptyState>
        }
        moving={moving}
        live={live}
        onEdit={onEdit}
        readOnly={readOnly}
        onDelete={setDeleting}
        onMove={onMove}
      />

      <RouteTests />

      {editor && (
        <RouteForm
          editing={editor.row ? { id: editor.row.id, route: editor.row.route, owner: editor.row.owner } : undefined}
          vhosts={targets}
          clusters={clusterNames}
          onClose={() => setEditor(null)}
          readOnly={readOnly}
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
