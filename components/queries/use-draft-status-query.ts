"use client";
import { useQuery } from "@tanstack/react-query";
import { DraftStatus } from "@/lib/contract";
import { api } from "./api-client";
import { queryKeys } from "./keys";

/** GET /api/draft/status: live version, pending draft changes and node rollout counts (header). */
export function useDraftStatusQuery() {
  return useQuery({
    queryKey: queryKeys.draftStatus(),
    queryFn: () => api.get("/api/draft/status", DraftStatus),
    // follow a rollout closely while some connected node has not applied the live version yet
    refetchInterval: (q) => {
      const n = q.state.data?.nodes;
      return n && n.connected > n.applied + n.rejected ? 1000 : 5000;
    },
  });
}
