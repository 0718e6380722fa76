"use client";
import { useQuery } from "@tanstack/react-query";
import { DraftRouteList, type DraftRouteItem } from "@/lib/contract";
import { api, type Revisioned } from "./api-client";
import { queryKeys } from "./keys";

/** GET /api/draft/routes as cached: the routes and the draft revision they are from. */
export const draftRoutesQuery = () => ({
  queryKey: queryKeys.draftRoutes(),
  queryFn: (): Promise<Revisioned<DraftRouteItem[]>> => api.read("/api/draft/routes", DraftRouteList),
});

const routesOf = (d: Revisioned<DraftRouteItem[]>) => d.data;

/** GET /api/draft/routes: every draft route with its listener, virtual host and match position. */
export function useDraftRoutesQuery() {
  return useQuery({ ...draftRoutesQuery(), select: routesOf });
}
