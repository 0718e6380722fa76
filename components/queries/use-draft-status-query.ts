"use client";
import { useQuery } from "@tanstack/react-query";
import { api } from "./api-client";
import { queryKeys } from "./keys";
import type { DraftStatus } from "./types";

/** GET /api/draft/status: live version, pending draft changes and node rollout counts (header). */
export function useDraftStatusQuery(options: { refetchInterval?: number | false } = {}) {
  return useQuery({
    queryKey: queryKeys.draftStatus(),
    queryFn: () => api.get<DraftStatus>("/api/draft/status"),
    refetchInterval: options.refetchInterval ?? 5000,
  });
}
