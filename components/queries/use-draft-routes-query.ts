"use client";
import { useQuery } from "@tanstack/react-query";
import { api } from "./api-client";
import { queryKeys } from "./keys";
import type { DraftRouteRow } from "./types";

/** GET /api/draft/routes: every draft route with its listener, virtual host and match position. */
export function useDraftRoutesQuery() {
  return useQuery({
    queryKey: queryKeys.draftRoutes(),
    queryFn: () => api.get<DraftRouteRow[]>("/api/draft/routes"),
  });
}
