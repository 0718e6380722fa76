"use client";
// One change's resource before and after, fetched when its row is opened (the list comes without them:
// GET …/diff?sides=0): a skeleton while it loads, what failed and a retry, then the two sides side by side.
import type { DiffSide, ReadableChangeSummary } from "@/lib/contract/diff";
import { useDiffChangeQuery, type DiffSource } from "@/components/queries/use-diff-change-query";
import { ErrorState } from "@/components/ui/error-state";
import { Skeleton } from "@/components/ui/skeleton";
import type { Format } from "./align";
import { SideBySide } from "./side-by-side";

export interface DiffOf {
  source: DiffSource;
  from: DiffSide;
  to: DiffSide;
}

export function ChangeSides({ change: c, of, format }: { change: ReadableChangeSummary; of: DiffOf; format: Format }) {
  const sides = useDiffChangeQuery(of.source, of, c.id);
  if (sides.isError) return <ErrorState what={`the before and after of ${c.label}`} error={sides.error} onRetry={() => sides.refetch()} />;
  if (!sides.data)
    return (
      <div className="stack" role="status" aria-label={`Loading before and after of ${c.label}`}>
        <Skeleton width="70%" />
        <Skeleton width="50%" />
      </div>
    );
  return <SideBySide before={sides.data.before} after={sides.data.after} format={format} fromLabel={of.from.label} toLabel={of.to.label} label={`Before and after: ${c.label}`} />;
}
