"use client";
import { useQuery } from "@tanstack/react-query";
import { EventList } from "@/lib/contract/events";
import { api } from "./api-client";
import { queryKeys, type EventFilter } from "./keys";
import { eventSearch } from "./telemetry-params";

/** GET /api/events: publishes, NACKs, trips, ejections, health flips, newest first; live ticks add to it. */
export function useEventsQuery(filter: EventFilter, opts: { live?: boolean } = {}) {
  return useQuery({
    queryKey: queryKeys.events(filter),
    queryFn: () => api.get(`/api/events${eventSearch(filter)}`, EventList),
    refetchInterval: opts.live ? 30_000 : 5_000,
  });
}
