"use client";
// Draft route mutations (POST/PUT/DELETE /api/draft/routes…, POST …/move). Each invalidates the
// route list and the draft status (the header's change count).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "./api-client";
import { queryKeys } from "./keys";
import { DraftRouteItem } from "@/lib/contract";
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
    mutationFn: (input: { listener?: string; virtualHost?: string; route: Route }) => api.post("/api/draft/routes", input, DraftRouteItem),
    onSuccess: invalidate,
  });
}

export function useUpdateRouteMutation() {
  const invalidate = useInvalidateRoutes();
  return useMutation({
    mutationFn: (input: { id: string; route: Route }) => api.put(`/api/draft/routes/${encodeURIComponent(input.id)}`, { route: input.route }, DraftRouteItem),
    onSuccess: invalidate,
  });
}

export function useDeleteRouteMutation() {
  const invalidate = useInvalidateRoutes();
  return useMutation({
    mutationFn: (id: string) => api.del(`/api/draft/routes/${encodeURIComponent(id)}`),
    onSuccess: invalidate,
  });
}

export function useMoveRouteMutation() {
  const invalidate = useInvalidateRoutes();
  return useMutation({
    mutationFn: (input: { id: string; direction: "up" | "down" }) =>
      api.post(`/api/draft/routes/${encodeURIComponent(input.id)}/move`, { direction: input.direction }, DraftRouteItem),
    onSuccess: invalidate,
  });
}
