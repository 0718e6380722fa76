"use client";
import { useReadOnly, useReadOnlyReason } from "@/components/queries/use-session";
import { useMemo, useState } from "react";
import { useDraftClustersQuery } from "@/components/queries/use-draft-clusters-query";
import { useDraftRoutesQuery } from "@/components/queries/use-draft-routes-query";
import { useLiveTicks } from "@/components/queries/use-live-ticks";
import { LiveIndicator } from "@/components/telemetry/live-indicator";
import { EmptyState } from "@/components/ui/empty-state";
import { Panel } from "@/components/ui/panel";
import { ClusterForm } from "./cluster-form";
import { ClusterTable } from "./cluster-table";
import { DeleteClusterDialog } from "./delete-cluster-dialog";

export function useClusterUsage() {
  const routes = useDraftRoutesQuery();
  return useMemo(() => {
    const m = new Map<string, number>();
    for (const r of routes.data ?? []) {
      const a = r.route.route;
      const names = a?.cluster ? [a.cluster] : (a?.weighted_clusters?.clusters.map((c) => c.name) ?? []);
      for (const n of new Set(names)) m.set(n, (m.get(n) ?? 0) + 1);
    }
    return m;
  }, [routes.data]);
}

export function ClustersPage() {
  const clusters = useDraftClustersQuery();
  const usage = useClusterUsage();
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<string | null>(null);
  const rows = clusters.data ?? [];
  const live = useLiveTicks();
  // a viewer reads only (the API refuses their writes with 403)
  const readOnly = useReadOnly();
  const lockedReason = useReadOnlyReason();
  const addButton = (
    <button type="button" className="btn primary" onClick={() => setCreating(true)} disabled={readOnly} title={lockedReason}>
      Add cluster
    </button>
  );

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Clusters</h1>
          <p>Groups of upstream hosts that routes send traffic to. Changes go live when you publish.</p>
        </div>
        <span className="spacer" />
        <LiveIndicator state={live} />
        {addButton}
      </div>
      <ClusterTable
        rows={clusters.data}
        query={clusters}
        empty={
          <EmptyState title="No clusters yet" action={addButton}>
            A cluster is a group of upstream hosts. Add one, then point a route at it.
          </EmptyState>
        }
        usage={usage}
        live={live}
        onDelete={setDeleting}
        readOnly={readOnly}
      />
      {creating && (
        <Panel
          variant="drawer-wide"
          title="New cluster"
          onClose={() => setCreating(false)}
          footer={
            <>
              <button type="button" className="btn" onClick={() => setCreating(false)}>
                Cancel
              </button>
              <button type="submit" form="new-cluster-form" className="btn primary">
                Create cluster
              </button>
            </>
          }
        >
          <ClusterForm id="new-cluster-form" taken={rows.map((r) => r.name)} inlineSubmit={false} onSaved={() => setCreating(false)} />
        </Panel>
      )}
      {deleting && (
        <DeleteClusterDialog name={deleting} routes={usage.get(deleting) ?? 0} onClose={() => setDeleting(null)} />
      )}
    </>
  );
}
