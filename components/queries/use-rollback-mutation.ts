"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { VersionSummary } from "@/lib/contract";
import { api } from "./api-client";
import { afterPublishKeys } from "./keys";

/** POST /api/versions/{id}/rollback: republish an older version as a new live version. */
export function useRollbackMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { id: string; message?: string }) =>
      api.post(`/api/versions/${encodeURIComponent(input.id)}/rollback`, input.message ? { message: input.message } : {}, VersionSummary),
    onSuccess: () => Promise.all(afterPublishKeys().map((queryKey) => qc.invalidateQueries({ queryKey, exact: true }))),
  });
}
