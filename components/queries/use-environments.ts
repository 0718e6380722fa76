"use client";
// Environments: the list (with the one this browser edits), creating one, switching, and promoting a version
// into another. The browser's environment is the console's environment cookie, which every API request carries;
// switching reloads the page so no query of the previous environment stays in the cache.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ENVIRONMENT_COOKIE, EnvironmentList, VersionSummary } from "@/lib/contract";
import { api } from "./api-client";
import { queryKeys } from "./keys";

export function useEnvironmentsQuery() {
  return useQuery({ queryKey: queryKeys.environments(), queryFn: () => api.get("/api/environments", EnvironmentList) });
}

/** Makes `name` the environment this browser edits, then reloads every view in it. */
export function switchEnvironment(name: string): void {
  document.cookie = `${ENVIRONMENT_COOKIE}=${encodeURIComponent(name)}; path=/; max-age=31536000; samesite=lax`;
  window.location.reload();
}

export function useCreateEnvironment() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api.post("/api/environments", { name }, EnvironmentList),
    onSuccess: (data) => qc.setQueryData(queryKeys.environments(), data),
  });
}

/** POST /api/environments/{name}/promote: version `versionId` becomes the next version of environment `environment`. */
export function usePromoteToEnvironment() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { environment: string; versionId: string; message?: string; discardDraft?: boolean }) =>
      api.post(
        `/api/environments/${encodeURIComponent(input.environment)}/promote`,
        { versionId: input.versionId, ...(input.message ? { message: input.message } : {}), ...(input.discardDraft ? { discardDraft: true } : {}) },
        VersionSummary,
      ),
    onSettled: () => qc.invalidateQueries({ queryKey: queryKeys.environments(), exact: true }),
  });
}
