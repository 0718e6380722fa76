"use client";
import { useQuery } from "@tanstack/react-query";
import { TripList, type Window } from "@/lib/contract/telemetry";
import { api } from "./api-client";
import { queryKeys } from "./keys";
import { toSearch } from "./telemetry-params";

/** GET /api/telemetry/trips?window=&cluster=: circuit-breaker trips overlapping the window, newest first. */
export function useTripsQuery(window: Window, cluster: string | null) {
  return useQuery({
    queryKey: queryKeys.trips(window, cluster),
    queryFn: () => api.get(`/api/telemetry/trips${toSearch({ window, cluster })}`, TripList),
    refetchInterval: 5_000,
  });
}
