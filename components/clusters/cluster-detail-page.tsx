"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useDraftClustersQuery } from "@/components/queries/use-draft-clusters-query";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { Skeleton } from "@/components/ui/skeleton";
import { ClusterForm } from "./cluster-form";
import { useClusterUsage } from "./clusters-page";
import { DeleteClusterDialog } from "./delete-cluster-dialog";

export function ClusterDetailPage({ name }: { name: string }) {
  const clusters = useDraftClustersQuery();
  const usage = useClusterUsage();
  const router = useRouter();
  const [deleting, setDeleting] = useState(false);
  const row = clusters.data?.find((c) => c.name === name);

  return (
    <>
      <nav aria-label="Breadcrumb" className="small muted" style={{ marginBottom: 6 }}>
        <Link href="/clusters">Clusters</Link> / <code>{name}</code>
      </nav>
      <div className="page-head">
        <div>
          <h1>
            Cluster <code style={{ fontSize: 18 }}>{name}</code>
          </h1>
          <p>
            {usage.get(name) ?? 0} {usage.get(name) === 1 ? "route sends" : "routes send"} traffic here. Saving changes the draft; publish to make it live.
          </p>
        </div>
        <span className="spacer" />
        {row && (
          <button type="button" className="btn danger" onClick={() => setDeleting(true)}>
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
        <div className="card">
          <ClusterForm
            key={row.name}
            id="cluster-form"
            original={row.cluster}
            taken={(clusters.data ?? []).map((c) => c.name)}
            onSaved={(newName) => {
              if (newName !== name) router.replace(`/clusters/${encodeURIComponent(newName)}`);
            }}
          />
        </div>
      )}
      {deleting && <DeleteClusterDialog name={name} routes={usage.get(name) ?? 0} onClose={() => setDeleting(false)} onDeleted={() => router.push("/clusters")} />}
    </>
  );
}
