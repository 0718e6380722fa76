"use client";
// Traces the workers sampled: search (in the URL, so a search is a link), results newest first, and each
// trace's waterfall on its own page.
import { useSearchParams } from "next/navigation";
import { useMemo, useState } from "react";
import { clock } from "@/components/charts/time-scale";
import { useTracesQuery } from "@/components/queries/use-traces-query";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { TableSkeleton } from "@/components/ui/skeleton";
import { searchFromParams, searchToParams, type TraceSearch } from "./trace-search";
import { TraceSearchForm } from "./trace-search-form";
import { TraceTable } from "./trace-table";

export function TracesPage() {
  const params = useSearchParams();
  const initial = useMemo(() => searchFromParams(new URLSearchParams(params.toString())), [params]);
  const [search, setSearch] = useState<TraceSearch>(initial);
  const traces = useTracesQuery(search);
  const filtered = Object.values(search).some((v) => v !== undefined);

  const onSearch = (s: TraceSearch) => {
    setSearch(s);
    const q = searchToParams(s);
    window.history.replaceState(null, "", q ? `?${q}` : window.location.pathname);
    // the same search again means "look again": its window counts back from now
    if (searchToParams(s) === searchToParams(search)) void traces.refetch();
  };

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Traces</h1>
          <p>Requests the workers sampled for tracing (the listener&apos;s HCM <code>tracing</code> block): the proxy span and every upstream attempt.</p>
        </div>
      </div>
      <TraceSearchForm initial={initial} onSearch={onSearch} />
      {traces.isPending ? (
        <TableSkeleton label="Loading traces" />
      ) : traces.isError ? (
        <ErrorState what="traces" error={traces.error} onRetry={() => traces.refetch()} />
      ) : traces.data.traces.length === 0 ? (
        filtered ? (
          <EmptyState title="No trace matches">No sampled trace the console still holds matches this search. The console keeps the last 5,000 spans.</EmptyState>
        ) : (
          <EmptyState title="No traces yet">
            A worker samples requests for tracing when the listener&apos;s HTTP connection manager has a <code>tracing</code> block (e.g.{" "}
            <code>random_sampling: {"{"}value: 100{"}"}</code>). Their spans appear here, and go to Zipkin too when Settings names a collector.
          </EmptyState>
        )
      ) : (
        <>
          <p className="small muted" style={{ margin: "0 0 8px" }}>
            {traces.data.traces.length} {traces.data.traces.length === 1 ? "trace" : "traces"}, newest first · searched at {clock(traces.data.searchedAt)}{" "}
            <button type="button" className="btn link small" onClick={() => traces.refetch()}>
              Search again
            </button>
          </p>
          <TraceTable traces={traces.data.traces} />
        </>
      )}
    </>
  );
}
