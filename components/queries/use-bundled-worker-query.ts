"use client";
import { useQuery } from "@tanstack/react-query";
import { BundledWorkerStatus } from "@/lib/contract";
import { api } from "./api-client";
import { queryKeys } from "./keys";

/** GET /api/worker: the console's own worker (running, adopted, restarting…), polled faster while it is not up. */
export function useBundledWorkerQuery() {
  return useQuery({
    queryKey: queryKeys.bundledWorker(),
    queryFn: () => api.get("/api/worker", BundledWorkerStatus),
    refetchInterval: (q) => {
      const s = q.state.data?.state;
      return s === "starting" || s === "restarting" ? 1000 : 5000;
    },
  });
}
