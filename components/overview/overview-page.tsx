"use client";
import { useDraftStatusQuery } from "@/components/queries/use-draft-status-query";
import { useLiveStatsQuery } from "@/components/queries/use-live-stats-query";
import { ErrorState } from "@/components/ui/error-state";
import { KpiTiles } from "./kpi-tiles";
import { LiveRpsPanel } from "./live-rps-panel";

export function OverviewPage() {
  const stats = useLiveStatsQuery("local");
  const status = useDraftStatusQuery();
  const live = status.data?.live;
  const nodes = status.data?.nodes;
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Overview</h1>
          <p>Traffic through the bundled worker, live.</p>
        </div>
      </div>
      <KpiTiles
        points={stats.data?.points ?? []}
        liveLabel={live ? `v${live.number}` : "—"}
        nodesLabel={nodes ? `${nodes.applied}/${nodes.connected}` : "—"}
      />
      {stats.isError && !stats.data ? (
        <ErrorState what="live stats" error={stats.error} onRetry={() => stats.refetch()} />
      ) : (
        <LiveRpsPanel points={stats.data?.points} loading={stats.isPending} />
      )}
    </>
  );
}
