"use client";
import { useQuery } from "@tanstack/react-query";
import { DraftRouteList } from "@/lib/contract";
import { api } from "./api-client";
import { queryKeys } from "./keys";

/** GET /api/draft/routes: every draft route with its listener, virtual host and match position. */
export function useDraftRoutesQuery() {
  return useQuery({
    queryKey: queryKeys.draftRoutes(),
    queryFn: () => api.get("/api/draft/routes", DraftRouteList),
  });
}
