"use client";
import { useInfiniteQuery, type InfiniteData } from "@tanstack/react-query";
import { VersionList, type VersionListItem } from "@/lib/contract";
import { api } from "./api-client";
import { queryKeys } from "./keys";

/** Versions per request: a page of the Versions table. */
export const VERSIONS_PAGE = 50;

const pages = (d: InfiniteData<VersionListItem[], number | undefined>) => d.pages.flat();

/**
 * GET /api/versions?limit=&before=: published versions, newest first, with `live` and how many nodes run it, a page
 * at a time (`fetchNextPage` asks for the ones numbered below the last one shown). `data`: every page loaded so far.
 * Invalidating queryKeys.versions() refetches the loaded pages in order, so a publish shows up on the first.
 */
export function useVersionsQuery() {
  return useInfiniteQuery({
    queryKey: queryKeys.versions(),
    queryFn: ({ pageParam }) => api.get(`/api/versions?limit=${VERSIONS_PAGE}${pageParam ? `&before=${pageParam}` : ""}`, VersionList),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => (last.length < VERSIONS_PAGE ? undefined : last[last.length - 1].number),
    select: pages,
  });
}
