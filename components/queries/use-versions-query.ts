"use client";
import { useQuery } from "@tanstack/react-query";
import { VersionList } from "@/lib/contract";
import { api } from "./api-client";
import { queryKeys } from "./keys";

/** GET /api/versions: every published version, newest first, with `live` and how many nodes run it. */
export function useVersionsQuery() {
  return useQuery({
    queryKey: queryKeys.versions(),
    queryFn: () => api.get("/api/versions", VersionList),
  });
}
