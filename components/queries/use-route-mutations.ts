"use client";
// Draft route mutations (POST/PUT/DELETE /api/draft/routes…, POST …/move). Each invalidates the
// route list and the draft status (the header's change count).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "./api-client";
import { queryKeys } from "./keys";
import type { Route } from "./types";

function useInvalidateRoutes() {
  const qc = useQueryClient();
  return () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: queryKeys.draftRoutes(), exact: true }),
      qc.invalidateQueries({ queryKey: queryKeys.draftStatus(), exact: true }),
      qc.invalidateQueries({ queryKey: queryKeys.draftConfig(), exact: true }),
    ]);
}

export function useCreateRouteMutation() {
  const invalidate = useInvalidateRoutes();
  return useMutation({
    mutationFn: (input: { listener?: string; virtualHost?: string; route: Route }) => api.post<unknown>("/api/draft/routes", input),
    onSuccess: invalidate,
  });
}

export function useUpdateRouteMutation() {
  const invalidate = useInvalidateRoutes();
  return useMutation({
    mutationFn: (input: { id: string; route: Route }) => api.put<unknown>(`/api/draft/routes/${encodeURIComponent(input.id)}`, { route: input.route }),
    onSuccess: invalidate,
  });
}

export function useDeleteRouteMutation() {
  const invalidate = useInvalidateRoutes();
  return useMutation({
    mutationFn: (id: string) => api.del<unknown>(`/api/draft/routes/${encodeURIComponent(id)}`),
    onSuccess: invalidate,
  });
}

export function useMoveRouteMutation() {
  const invalidate = useInvalidateRoutes();
  return useMutation({
    mutationFn: (input: { id: string; direction: "up" | "down" }) =>
      api.post<unknown>(`/api/draft/routes/${encodeURIComponent(input.id)}/move`, { direction: input.direction }),
    onSuccess: invalidate,
  });
}
