"use client";
import { useQuery } from "@tanstack/react-query";
import { NodeList } from "@/lib/contract";
import { api } from "./api-client";
import { queryKeys } from "./keys";

/** GET /api/nodes: every known worker, its applied version, its state against the live one and last error. */
export function useNodesQuery(options: { refetchInterval?: number | false } = {}) {
  return useQuery({
    queryKey: queryKeys.nodes(),
    queryFn: () => api.get("/api/nodes", NodeList),
    refetchInterval: options.refetchInterval ?? 5000,
  });
}
