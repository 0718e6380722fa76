"use client";
import { useQuery } from "@tanstack/react-query";
import { TraceList } from "@/lib/contract/traces";
import { searchToParams, TRACE_WINDOWS, type TraceSearch } from "@/components/traces/trace-search";
import { api } from "./api-client";
import { queryKeys } from "./keys";
import { toSearch } from "./telemetry-params";

/**
 * GET /api/traces with the search's filters (the server narrows by every one). A time window is counted back
 * from when the search runs, so the key holds the window and the query computes `since`.
 */
export function useTracesQuery(search: TraceSearch, limit = 100) {
  return useQuery({
    queryKey: queryKeys.traces(`${searchToParams(search)}&limit=${limit}`),
    queryFn: async () => {
      const now = Date.now();
      const params = toSearch({
        limit,
        traceId: search.traceId,
        route: search.route,
        cluster: search.cluster,
        path: search.path,
        status: search.status,
        minDurationMs: search.minDurationMs,
        since: search.window ? now - TRACE_WINDOWS[search.window] : undefined,
      });
      const list = await api.get(`/api/traces${params}`, TraceList);
      return { traces: list.traces, searchedAt: now };
    },
  });
}

/** One trace by id (the waterfall page); `null` when the console no longer has it. */
export function useTraceQuery(traceId: string) {
  return useQuery({
    queryKey: queryKeys.trace(traceId),
    queryFn: async () => {
      const list = await api.get(`/api/traces${toSearch({ traceId, limit: 1 })}`, TraceList);
      return list.traces.find((t) => t.traceId === traceId) ?? null;
    },
  });
}
