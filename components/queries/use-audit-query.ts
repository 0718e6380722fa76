"use client";
import { keepPreviousData, useInfiniteQuery, type InfiniteData } from "@tanstack/react-query";
import { AuditList, type AuditEntry } from "@/lib/contract";
import { mergePages, nextBefore } from "@/components/audit/audit-paging";
import { api } from "./api-client";
import { queryKeys, type AuditFilter } from "./keys";

export type { AuditEntry, AuditChange } from "@/lib/contract";
export type { AuditFilter };

const entries = (d: InfiniteData<AuditEntry[], string | undefined>) => mergePages(d.pages);

/**
 * GET /api/audit: the append-only trail, newest first, narrowed server-side by actor, action and words, `limit`
 * entries a page; `fetchNextPage` reads the next older page (`?before=`, components/audit/audit-paging.ts).
 * `data`: the pages loaded so far as one list.
 */
export function useAuditQuery(limit = 100, filter: AuditFilter = {}) {
  const f: AuditFilter = {};
  const params = new URLSearchParams({ limit: String(limit) });
  for (const k of ["actor", "action", "q"] as const) {
    const v = filter[k]?.trim();
    if (v) params.set(k, (f[k] = v));
  }
  return useInfiniteQuery({
    queryKey: queryKeys.audit(limit, f),
    queryFn: ({ pageParam }) => api.get(`/api/audit?${params}${pageParam ? `&before=${encodeURIComponent(pageParam)}` : ""}`, AuditList),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last, _all, lastParam) => nextBefore(last, limit, lastParam),
    select: entries,
    // every loaded page is read again, so new entries appear on top without losing the older ones
    refetchInterval: 5000,
    // a new filter keeps the last answer on screen until its own arrives
    placeholderData: keepPreviousData,
  });
}
