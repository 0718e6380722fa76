"use client";
import { useQuery } from "@tanstack/react-query";
import type { z } from "zod";
import { BootstrapDocument } from "@/lib/contract";
import { api, type Revisioned } from "./api-client";
import { queryKeys } from "./keys";

type Doc = z.output<typeof BootstrapDocument>;
const docOf = (d: Revisioned<Doc>) => d.data;

/** GET /api/config: the whole draft as an Envoy v3 bootstrap document (cached with its revision). */
export function useDraftConfigQuery(enabled = true) {
  return useQuery({
    queryKey: queryKeys.draftConfig(),
    queryFn: (): Promise<Revisioned<Doc>> => api.read("/api/config", BootstrapDocument),
    select: docOf,
    enabled,
  });
}
