"use client";
import { useQuery } from "@tanstack/react-query";
import { api } from "./api-client";
import { queryKeys } from "./keys";
import { listOf, toVersion, type Version } from "./types";

/** GET /api/versions: every published version, newest first. */
export function useVersionsQuery(liveId: string | null) {
  return useQuery({
    queryKey: queryKeys.versions(),
    queryFn: () => api.get<unknown>("/api/versions"),
    select: (raw): Version[] => listOf(raw, "versions").map((o) => toVersion(o, liveId)).sort((a, b) => b.number - a.number),
  });
}
