"use client";
import { useQuery } from "@tanstack/react-query";
import { api } from "./api-client";
import { queryKeys } from "./keys";
import type { Cluster } from "./types";

export interface DraftConfig {
  static_resources: { listeners?: unknown[]; clusters?: Cluster[] };
}

/** GET /api/config: the whole draft as an Envoy v3 bootstrap document. */
export function useDraftConfigQuery(enabled = true) {
  return useQuery({
    queryKey: queryKeys.draftConfig(),
    queryFn: () => api.get<DraftConfig>("/api/config"),
    enabled,
  });
}
