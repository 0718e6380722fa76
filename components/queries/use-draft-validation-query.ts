"use client";
import { useQuery } from "@tanstack/react-query";
import { DraftValidation } from "@/lib/contract";
import { api } from "./api-client";
import { queryKeys } from "./keys";

/**
 * GET /api/draft/validation: what a publish would refuse the draft for. Keyed by the draft hash of the draft
 * status, so it refetches exactly when the draft changed (the answer depends on nothing else).
 */
export function useDraftValidationQuery(draftHash: string) {
  return useQuery({
    queryKey: queryKeys.draftValidation(draftHash),
    queryFn: () => api.get("/api/draft/validation", DraftValidation),
    staleTime: Infinity,
  });
}
