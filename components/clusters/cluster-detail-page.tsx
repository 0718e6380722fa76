"use client";
// One cluster, in tabs that each have their URL (?tab=): its endpoints live, its settings (the draft form), its
// circuit breakers with the trip timeline, and its traffic.
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { useDraftClustersQuery } from "@/components/queries/use-draft-clusters-query";
import { useReadOnly, useReadOnlyReason } from "@/components/queries/use-session";
import { TrafficPanel } from "@/components/telemetry/traffic-panel";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { Skeleton } from "@/components/ui/skeleton";
import { Tabs } from "@/components/ui/tabs";
import { BreakersTab } from "./breakers-tab";
import { readOnlyReason } from "@/components/teams/owner-control";
import { ClusterForm } from "./cluster-form";
import { useClusterUsage } from "./clusters-page";
import { DeleteClusterDialog } from "./delete-cluster-dialog";
import { EndpointsTab } from "./endpoints-tab";
import { Truncate } from "@/components/ui/truncate";

const TABS = [
  { id: "endpoints", label: "Endpoints" },
  { id: "settings", label: "Settings" },
  { id: "breakers", label: "Circuit breakers" },
  { id: "traffic", label: "Traffic" },
] as const;
type TabId = (typeof TABS)[number]["id"];

export function ClusterDetailPage({ name }: { name: string }) {
  const clusters = useDraftClustersQuery();
  const usage = useClusterUsage();
  const router = useRouter();
  const params = useSearchParams();
  const [deleting, setDeleting] = useState(false);
  // a viewer reads the settings (the form without Save) and deletes nothing
  const readOnly = useReadOnly();
  const lockedReason = useReadOnlyReason();
  const row = clusters.data?.find((c) => c.name === name);
  const asked = params.get("tab");
  const tab: TabId = TABS.some((t) => t.id === asked) ? (asked as TabId) : "endpoints";
  const base = `/clusters/${encodeURIComponent(name)}`;

  return (
    <>
      <nav aria-label="Breadcrumb" className="small muted" style={{ marginBottom: 6 }}>
        <Link href="/clusters">Clusters</Link> / <Truncate mono>{name}</Truncate>
      </nav>
      <div className="page-head">
        <div>
          <h1>
            Cluster{" "}
            <Truncate mono className="title-name">
              {name}
            </Truncate>
          </h1>
          <p>
            {usage.get(name) ?? 0} {usage.get(name) === 1 ? "route sends" : "routes send"} traffic here. Settings change the draft; publish to make them live.
          </p>
        </div>
        <span className="spacer" />
        {row && (
          <button
            type="button"
            className="btn danger"
            onClick={() => setDeleting(true)}
            disabled={row.editable === false || readOnly}
            title={lockedReason ?? (row.editable === false ? readOnlyReason("cluster", row.owner) : undefined)}
          >
            Delete cluster
          </button>
        )}
      </div>
      {clusters.isPending ? (
        <div className="card stack" role="status" aria-label="Loading cluster">
          <Skeleton width="30%" />
          <Skeleton />
          <Skeleton width="70%" />
        </div>
      ) : clusters.isError ? (
        <ErrorState what="the cluster" error={clusters.error} onRetry={() => clusters.refetch()} />
      ) : !row ? (
        <EmptyState title="No such cluster" action={<Link className="btn primary" href="/clusters">All clusters</Link>}>
          There is no cluster named “{name}” in the draft. It may have been renamed or deleted.
        </EmptyState>
      ) : (
        <Tabs label={`Cluster ${name}`} current={tab} tabs={TABS.map((t) => ({ id: t.id, label: t.label, href: t.id === "endpoints" ? base : `${base}?tab=${t.id}` }))}>
          {tab === "endpoints" && <EndpointsTab name={name} row={row} />}
          {tab === "settings" && row.editable === false && !readOnly && (
            <div className="card" role="note">
              <p style={{ margin: 0 }}>{readOnlyReason("cluster", row.owner)}.</p>
            </div>
          )}
          {tab === "settings" && (row.editable !== false || readOnly) && (
            <div className="card">
              {row.owner && <p className="muted small" style={{ marginTop: 0 }}>Owner: <span className="badge">team {row.owner}</span></p>}
              <ClusterForm
                key={row.name}
                id="cluster-form"
                original={row.cluster}
                readOnly={readOnly}
                taken={(clusters.data ?? []).map((c) => c.name)}
                onSaved={(newName) => {
                  if (newName !== name) router.replace(`/clusters/${encodeURIComponent(newName)}?tab=settings`);
                }}
              />
            </div>
          )}
          {tab === "breakers" && <BreakersTab name={name} row={row} />}
          {tab === "traffic" && <TrafficPanel scope={{ cluster: name }} title={`Traffic of ${name}`} />}
        </Tabs>
      )}
      {deleting && <DeleteClusterDialog name={name} routes={usage.get(name) ?? 0} onClose={() => setDeleting(false)} onDeleted={() => router.push("/clusters")} />}
    </>
  );
}
