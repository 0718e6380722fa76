"use client";
// Discard the draft: GET /api/draft/discard-preview lists what would go, DELETE /api/draft resets the draft to
// the live version, made on the previewed revision (If-Match) so nothing added since is thrown away unseen.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { DiscardPreview } from "@/lib/contract";
import { api } from "./api-client";
import { invalidateDraft } from "./draft-revision";
import { queryKeys } from "./keys";

export function useDiscardPreviewQuery(enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.discardPreview(),
    queryFn: () => api.get("/api/draft/discard-preview", DiscardPreview),
    enabled,
    staleTime: 0,
  });
}

export function useDiscardDraftMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (ifMatch: number) => api.write("DELETE", "/api/draft", undefined, DiscardPreview, ifMatch).then((r) => r.data),
    onSettled: () => Promise.all([invalidateDraft(qc), qc.invalidateQueries({ queryKey: queryKeys.discardPreview(), exact: true })]),
  });
}
