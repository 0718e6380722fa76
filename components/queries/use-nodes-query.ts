"use client";
import { useQuery } from "@tanstack/react-query";
import { api } from "./api-client";
import { queryKeys } from "./keys";
import { listOf, toNode, type NodeRow } from "./types";

/** GET /api/nodes: every known worker, its applied version and last error. */
export function useNodesQuery(liveId: string | null, options: { refetchInterval?: number | false } = {}) {
  return useQuery({
    queryKey: queryKeys.nodes(),
    queryFn: () => api.get<unknown>("/api/nodes"),
    select: (raw): NodeRow[] => listOf(raw, "nodes").map((o) => toNode(o, liveId)),
    refetchInterval: options.refetchInterval ?? 5000,
  });
}
