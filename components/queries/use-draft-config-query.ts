"use client";
import { useQuery } from "@tanstack/react-query";
import { BootstrapDocument } from "@/lib/contract";
import { api } from "./api-client";
import { queryKeys } from "./keys";

/** GET /api/config: the whole draft as an Envoy v3 bootstrap document. */
export function useDraftConfigQuery(enabled = true) {
  return useQuery({
    queryKey: queryKeys.draftConfig(),
    queryFn: () => api.get("/api/config", BootstrapDocument),
    enabled,
  });
}
