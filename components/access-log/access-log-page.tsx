"use client";
// Recent requests as the workers logged them (GET /api/access-log), newest first, refreshed every 2 s. The
// filters are in the URL; a row with a trace links to its waterfall.
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useMemo, useState, type FormEvent } from "react";
import type { AccessLogRow } from "@/lib/contract/access-log";
import { fmtMs } from "@/components/telemetry/format";
import { useAccessLogQuery } from "@/components/queries/use-access-log-query";
import { DataTable, type Column } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { Field } from "@/components/ui/field";
import { TableSkeleton } from "@/components/ui/skeleton";
import { StatusChip } from "@/components/ui/status-chip";
import { useDebounced } from "@/components/ui/use-debounced";
import { readParams, writeParams } from "@/components/ui/url-state";
import { FILTER_KEYS, fmtBytes, logTime, rowKey, statusTone, toFilter, type FilterForm } from "./access-log-model";

const COLUMNS: Column<AccessLogRow>[] = [
  { key: "time", header: "Time", cell: (r) => <span className="mono small" title={new Date(r.startTime).toLocaleString()}>{logTime(r.startTime)}</span> },
  { key: "node", header: "Node", cell: (r) => <span className="small">{r.node}</span> },
  {
    key: "request",
    header: "Request",
    cell: (r) => (
      <span className="mono small log-request" title={`${r.method} ${r.authority}${r.path} ${r.protocol}`}>
        <strong>{r.method}</strong> <span className="muted">{r.authority}</span>
        {r.path}
      </span>
    ),
  },
  { key: "status", header: "Status", cell: (r) => <StatusChip tone={statusTone(r.status)}>{r.status === 0 ? "none" : r.status}</StatusChip> },
  { key: "flags", header: "Flags", title: "Envoy's response flags (UO: breaker overflow, URX: retries exhausted, NR: no route …)", cell: (r) => <code className="small">{r.responseFlags}</code> },
  { key: "duration", header: "Duration", num: true, cell: (r) => fmtMs(r.durationMs) },
  { key: "bytes", header: "In / out", num: true, cell: (r) => <span className="small">{fmtBytes(r.bytesReceived)} / {fmtBytes(r.bytesSent)}</span> },
  {
    key: "upstream",
    header: "Upstream",
    cell: (r) =>
      r.upstreamCluster ? (
        <span className="small">
          <Link href={`/clusters/${encodeURIComponent(r.upstreamCluster)}`}>
            <code>{r.upstreamCluster}</code>
          </Link>
          {r.upstreamHost && <span className="muted mono"> {r.upstreamHost}</span>}
        </span>
      ) : (
        <span className="muted">—</span>
      ),
  },
  { key: "route", header: "Route", cell: (r) => (r.routeName ? <code className="small">{r.routeName}</code> : <span className="muted" title="The route has no name (Envoy's %ROUTE_NAME%)">—</span>) },
  {
    key: "trace",
    header: "Trace",
    cell: (r) =>
      r.traceId ? (
        <Link href={`/traces/${encodeURIComponent(r.traceId)}`} aria-label={`Trace of ${r.method} ${r.path}`} className="small">
          trace
        </Link>
      ) : (
        <span className="muted small" title="Not sampled for tracing">—</span>
      ),
  },
];

export function AccessLogPage() {
  const params = useSearchParams();
  const [form, setForm] = useState<FilterForm>(() => readParams(params, FILTER_KEYS));
  const [paused, setPaused] = useState(false);
  const typed = useDebounced(form);
  const { filter, errors } = useMemo(() => toFilter(typed), [typed]);
  const log = useAccessLogQuery(filter, { paused });
  const set = (k: keyof FilterForm, v: string) => {
    const next = { ...form, [k]: v };
    setForm(next);
    writeParams(next);
  };
  const anyFilter = Object.values(form).some((v) => v.trim());
  const onSubmit = (e: FormEvent) => e.preventDefault();

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Access log</h1>
          <p>The latest requests each worker finished, with Envoy&apos;s default access-log fields. Sampled: a worker sends a bounded number per second.</p>
        </div>
        <span className="spacer" />
        <button type="button" className="btn" aria-pressed={paused} onClick={() => setPaused((p) => !p)}>
          {paused ? "Resume live updates" : "Pause live updates"}
        </button>
      </div>
      <form className="filters" onSubmit={onSubmit} aria-label="Filter the access log" role="search">
        <Field label="Status" error={errors.status} className="f-narrow">
          <input type="text" value={form.status} onChange={(e) => set("status", e.target.value)} placeholder="5xx or 503" autoComplete="off" />
        </Field>
        <Field label="Route">
          <input type="text" value={form.route} onChange={(e) => set("route", e.target.value)} placeholder="route name" autoComplete="off" />
        </Field>
        <Field label="Path contains">
          <input type="text" value={form.path} onChange={(e) => set("path", e.target.value)} placeholder="/api/v1" autoComplete="off" className="mono" />
        </Field>
        <Field label="Node" className="f-narrow">
          <input type="text" value={form.node} onChange={(e) => set("node", e.target.value)} placeholder="all" autoComplete="off" />
        </Field>
      </form>
      {log.isPending ? (
        <TableSkeleton label="Loading the access log" />
      ) : log.isError && !log.data ? (
        <ErrorState what="the access log" error={log.error} onRetry={() => log.refetch()} />
      ) : log.data.entries.length === 0 ? (
        anyFilter ? (
          <EmptyState title="No request matches">Nothing in the recent log matches these filters. Widen them, or wait for more traffic{paused ? " (live updates are paused)" : ""}.</EmptyState>
        ) : (
          <EmptyState title="No requests logged yet">
            Every worker sends a sample of the requests it finishes; they appear here within a second or two. Send traffic to a listener, or start demo
            traffic on the Overview.
          </EmptyState>
        )
      ) : (
        <>
          <p className="small muted" style={{ margin: "0 0 8px" }}>
            {log.data.entries.length.toLocaleString()} {log.data.entries.length === 1 ? "entry" : "entries"}, newest first
            {paused ? " · paused" : " · updates every 2 s"}
            {log.data.dropped > 0 && ` · ${log.data.dropped.toLocaleString()} not sent by the workers since the console started (their per-second sample was full)`}
            {log.isError && " · the last refresh failed, showing the previous answer"}
          </p>
          <DataTable label="Access log" columns={COLUMNS} rows={log.data.entries} rowKey={rowKey} rowTestId="access-log-row" pageSize={100} />
        </>
      )}
    </>
  );
}
