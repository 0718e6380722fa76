"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "./api-client";
import { afterPublishKeys } from "./keys";

/** POST /api/versions {message}: publish the draft as a new live version. */
export function usePublishMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (message: string) => api.post<Record<string, unknown>>("/api/versions", { message }),
    onSuccess: () => Promise.all(afterPublishKeys().map((queryKey) => qc.invalidateQueries({ queryKey, exact: true }))),
  });
}
