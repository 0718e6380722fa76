"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { VersionSummary } from "@/lib/contract";
import { api } from "./api-client";
import { afterPublishKeys } from "./keys";

/**
 * POST /api/versions/{id}/rollback: republish an older version as a new live version and reset the draft to
 * it. `discardDraft` lets it throw away unpublished draft changes (409 draft_dirty otherwise); `ifMatch` is
 * the draft revision whose changes the user agreed to discard.
 */
export function useRollbackMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { id: string; message?: string; discardDraft?: boolean; ifMatch?: number }) =>
      api
        .write(
          "POST",
          `/api/versions/${encodeURIComponent(input.id)}/rollback`,
          { ...(input.message ? { message: input.message } : {}), ...(input.discardDraft ? { discardDraft: true } : {}) },
          VersionSummary,
          input.ifMatch,
        )
        .then((r) => r.data),
    onSettled: () => Promise.all(afterPublishKeys().map((queryKey) => qc.invalidateQueries({ queryKey, exact: true }))),
  });
}
