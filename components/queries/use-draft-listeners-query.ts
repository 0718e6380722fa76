"use client";
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { DraftListenerList, type DraftListenerItem } from "@/lib/contract";
import { api, type Revisioned } from "./api-client";
import { queryKeys } from "./keys";

/** GET /api/draft/listeners as cached: the listeners and the draft revision they are from. */
export const draftListenersQuery = () => ({
  queryKey: queryKeys.draftListeners(),
  queryFn: (): Promise<Revisioned<DraftListenerItem[]>> => api.read("/api/draft/listeners", DraftListenerList),
});

const listenersOf = (d: Revisioned<DraftListenerItem[]>) => d.data;

/** GET /api/draft/listeners: every draft listener with its filter chains and virtual hosts. */
export function useDraftListenersQuery() {
  return useQuery({ ...draftListenersQuery(), select: listenersOf });
}

export interface VirtualHostOption {
  listener: string;
  virtualHost: string;
  domains: string[];
}

/**
 * Every virtual host a route can be added to, in document order, those without routes included (a listener
 * just added on the Listeners page); `fallback` until the listener list has loaded.
 */
export function useVirtualHostOptions<T extends VirtualHostOption>(fallback: T[]): VirtualHostOption[] {
  const listeners = useDraftListenersQuery().data;
  return useMemo(
    () => (listeners ? listeners.flatMap((l) => l.virtualHosts.map((v) => ({ listener: l.name, virtualHost: v.name, domains: v.domains }))) : fallback),
    [listeners, fallback],
  );
}
