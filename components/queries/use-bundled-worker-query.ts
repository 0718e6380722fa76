"use client";
import { useQuery } from "@tanstack/react-query";
import { api } from "./api-client";
import { queryKeys } from "./keys";
import type { BundledWorkerStatus } from "./types";

/** GET /api/worker: the console's own worker (running, adopted, restarting…), polled faster while it is not up. */
export function useBundledWorkerQuery() {
  return useQuery({
    queryKey: queryKeys.bundledWorker(),
    queryFn: () => api.get<BundledWorkerStatus>("/api/worker"),
    refetchInterval: (q) => {
      const s = q.state.data?.state;
      return s === "starting" || s === "restarting" ? 1000 : 5000;
    },
  });
}
