"use client";
import { useQuery } from "@tanstack/react-query";
import { DiffChange, type DiffSide } from "@/lib/contract/diff";
import { api } from "./api-client";
import { queryKeys } from "./keys";

/** Which endpoint a diff came from, so one of its changes is asked of the same one. */
export type DiffSource = { kind: "draft" } | { kind: "versions"; from: string; to: string };

function changePath(source: DiffSource, changeId: string): string {
  const change = `change=${encodeURIComponent(changeId)}`;
  return source.kind === "draft"
    ? `/api/draft/diff?${change}`
    : `/api/versions/${encodeURIComponent(source.from)}/diff?to=${encodeURIComponent(source.to)}&${change}`;
}

/**
 * GET …/diff?change=<id>: one change of a diff with its before/after, fetched when it is opened. Keyed by the
 * hashes of the diff's two sides: the draft may have moved on since its list was fetched, and sides of another
 * draft are refused here rather than shown under this diff's change (the list refetches with the draft status).
 */
export function useDiffChangeQuery(source: DiffSource, sides: { from: DiffSide; to: DiffSide }, changeId: string) {
  return useQuery({
    queryKey: queryKeys.diffChange(sides.from.hash, sides.to.hash, changeId),
    queryFn: async () => {
      const d = await api.get(changePath(source, changeId), DiffChange);
      if (d.from.hash !== sides.from.hash || d.to.hash !== sides.to.hash)
        throw new Error(`${d.to.label} changed since this list of changes was made: close and reopen it to see the new one`);
      return d.change;
    },
    staleTime: Infinity,
  });
}
