"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { VersionSummary } from "@/lib/contract";
import { api } from "./api-client";
import { afterPublishKeys } from "./keys";

/** POST /api/versions {message}: publish the draft as a new live version. */
export function usePublishMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (message: string) => api.post("/api/versions", { message }, VersionSummary),
    onSuccess: () => Promise.all(afterPublishKeys().map((queryKey) => qc.invalidateQueries({ queryKey, exact: true }))),
  });
}
