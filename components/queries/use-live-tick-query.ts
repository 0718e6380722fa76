"use client";
import { skipToken, useQuery } from "@tanstack/react-query";
import type { LiveTick } from "@/lib/contract/live";
import { queryKeys } from "./keys";

/** The live channel's latest tick, as use-live-ticks.ts writes it into the cache; never fetched. */
export function useLiveTickQuery<T = LiveTick>(select?: (t: LiveTick) => T) {
  return useQuery({ queryKey: queryKeys.liveTick(), queryFn: skipToken, staleTime: Infinity, select });
}
