"use client";
// The draft against the live version, as the server diffs it (GET /api/draft/diff?sides=0): the same readable
// view the Versions page shows, so what you review here is what the history will show.
import type { DraftStatus } from "@/components/queries/types";
import { useDraftDiffQuery } from "@/components/queries/use-draft-diff-query";
import type { DiffSource } from "@/components/queries/use-diff-change-query";
import { ConfigDiffView } from "@/components/diff/config-diff-view";
import { ErrorState } from "@/components/ui/error-state";
import { Skeleton } from "@/components/ui/skeleton";

const DRAFT: DiffSource = { kind: "draft" };

export function DraftDiff({ status }: { status: DraftStatus }) {
  const diff = useDraftDiffQuery(status.live?.hash ?? null, status.draftHash);
  if (diff.isError) return <ErrorState what="the draft diff" error={diff.error} onRetry={() => diff.refetch()} />;
  if (!diff.data)
    return (
      <div className="stack" role="status" aria-label="Loading diff">
        <Skeleton width="60%" />
        <Skeleton />
      </div>
    );
  return <ConfigDiffView diff={diff.data} source={DRAFT} label="Draft diff against the live version" />;
}
