"use client";
import { useMemo } from "react";
import { ConfigDiffView } from "@/components/diff/config-diff-view";
import { useVersionDiffQuery } from "@/components/queries/use-version-diff-query";
import type { DiffSource } from "@/components/queries/use-diff-change-query";
import { ErrorState } from "@/components/ui/error-state";
import { Skeleton } from "@/components/ui/skeleton";

/** Diff of two versions' snapshots, `from` → `to`: the readable view the Review drawer uses, and its text diff. */
export function VersionDiffPanel({ from, to, label }: { from: string; to: string; label: string }) {
  const diff = useVersionDiffQuery(from, to);
  const source = useMemo<DiffSource>(() => ({ kind: "versions", from, to }), [from, to]);
  if (diff.isPending)
    return (
      <div className="stack" role="status" aria-label="Loading diff">
        <Skeleton width="50%" />
        <Skeleton />
        <Skeleton width="80%" />
      </div>
    );
  if (diff.isError) return <ErrorState what="the diff" error={diff.error} onRetry={() => diff.refetch()} />;
  return <ConfigDiffView diff={diff.data} source={source} label={label} />;
}
