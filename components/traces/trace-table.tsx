"use client";
import Link from "next/link";
import type { TraceView } from "@/lib/contract/traces";
import { clock } from "@/components/charts/time-scale";
import { fmtMs } from "@/components/telemetry/format";
import { statusTone } from "@/components/access-log/access-log-model";
import { DataTable, type Column } from "@/components/ui/data-table";
import { StatusChip } from "@/components/ui/status-chip";
import { serverSpan, traceStartMs } from "./trace-search";

function pathOf(url: string | undefined): string {
  if (!url) return "—";
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}${u.search}`;
  } catch {
    return url;
  }
}

const COLUMNS: Column<TraceView>[] = [
  {
    key: "id",
    header: "Trace",
    cell: (t) => (
      <Link href={`/traces/${encodeURIComponent(t.traceId)}`} className="mono small" aria-label={`Trace ${t.traceId}`}>
        {t.traceId.slice(0, 16)}
      </Link>
    ),
  },
  { key: "start", header: "Started", cell: (t) => <span className="small" title={new Date(traceStartMs(t)).toLocaleString()}>{clock(traceStartMs(t))}</span> },
  {
    key: "request",
    header: "Request",
    cell: (t) => {
      const s = serverSpan(t);
      return (
        <span className="small">
          <strong>{s?.tags["http.method"] ?? ""}</strong> <span className="mono">{pathOf(s?.tags["http.url"])}</span>
          <div className="muted">{s?.name}</div>
        </span>
      );
    },
  },
  {
    key: "status",
    header: "Status",
    cell: (t) => {
      const code = Number(serverSpan(t)?.tags["http.status_code"] ?? NaN);
      return Number.isFinite(code) ? <StatusChip tone={statusTone(code)}>{code === 0 ? "none" : code}</StatusChip> : <span className="muted">—</span>;
    },
  },
  { key: "duration", header: "Duration", num: true, cell: (t) => fmtMs((serverSpan(t)?.duration ?? 0) / 1000) },
  { key: "attempts", header: "Upstream attempts", num: true, cell: (t) => t.spans.filter((s) => s.kind === "CLIENT").length },
  {
    key: "cluster",
    header: "Cluster",
    cell: (t) => {
      const c = serverSpan(t)?.tags.upstream_cluster;
      return c && c !== "-" ? <code className="small">{c}</code> : <span className="muted">—</span>;
    },
  },
  { key: "node", header: "Node", cell: (t) => <span className="small">{serverSpan(t)?.node ?? "—"}</span> },
];

export function TraceTable({ traces }: { traces: TraceView[] }) {
  return <DataTable label="Traces" columns={COLUMNS} rows={traces} rowKey={(t) => t.traceId} rowTestId="trace-row" pageSize={50} />;
}
