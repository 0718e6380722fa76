"use client";
// The draft against the live version as a unified diff of canonical YAML (keys sorted), the same
// rendering the versions diff uses, so what you review here is what the history will show.
import { createTwoFilesPatch } from "diff";
import { useMemo } from "react";
import { stringify } from "yaml";
import type { DraftStatus } from "@/components/queries/types";
import { useDraftConfigQuery } from "@/components/queries/use-draft-config-query";
import { useVersionQuery } from "@/components/queries/use-version-query";
import { DiffView } from "@/components/ui/diff-view";
import { ErrorState } from "@/components/ui/error-state";
import { Skeleton } from "@/components/ui/skeleton";

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object")
    return Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}

const canonical = (r: { listeners?: unknown[]; clusters?: unknown[] }) =>
  stringify(sortKeys({ listeners: r.listeners ?? [], clusters: r.clusters ?? [] }), { lineWidth: 0 });

export function DraftDiff({ status }: { status: DraftStatus }) {
  const draft = useDraftConfigQuery();
  const live = useVersionQuery(status.live?.id ?? null);
  const text = useMemo(() => {
    if (!draft.data || (status.live && !live.data)) return null;
    const from = live.data?.snapshot ?? { listeners: [], clusters: [] };
    return createTwoFilesPatch(status.live ? `v${status.live.number} (live)` : "nothing", "draft", canonical(from), canonical(draft.data.static_resources), undefined, undefined, { context: 3 });
  }, [draft.data, live.data, status.live]);

  if (draft.isError || live.isError)
    return <ErrorState what="the draft diff" error={draft.error ?? live.error} onRetry={() => (draft.isError ? draft.refetch() : live.refetch())} />;
  if (text === null)
    return (
      <div className="stack" role="status" aria-label="Loading diff">
        <Skeleton width="60%" />
        <Skeleton />
      </div>
    );
  return <DiffView text={text} label="Draft diff against the live version" />;
}
