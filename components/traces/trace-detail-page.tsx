"use client";
// One trace: what the request was, the waterfall of the proxy span and its upstream attempts, every span's
// tags, and links to the cluster (and the route, when a span names it).
import Link from "next/link";
import type { StoredSpan } from "@/lib/contract/traces";
import { fmtDuration } from "@/components/charts/time-scale";
import { useAccessLogQuery } from "@/components/queries/use-access-log-query";
import { useTraceQuery } from "@/components/queries/use-traces-query";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { Skeleton } from "@/components/ui/skeleton";
import { routeNameOf, serverSpan, traceStartMs } from "./trace-search";
import { Waterfall } from "./waterfall";

function SpanTags({ span }: { span: StoredSpan }) {
  const tags = Object.entries(span.tags).sort(([a], [b]) => a.localeCompare(b));
  return (
    <details className="span-tags" open={span.kind === "SERVER"}>
      <summary>
        <strong>{span.name}</strong> <span className="badge">{span.kind}</span> <span className="muted small">span {span.id} · {fmtDuration(span.duration / 1000)} · node {span.node}</span>
      </summary>
      <dl className="tag-list">
        {tags.map(([k, v]) => (
          <div key={k}>
            <dt className="mono">{k}</dt>
            <dd className="mono">{v}</dd>
          </div>
        ))}
        <div>
          <dt className="mono">localEndpoint</dt>
          <dd className="mono">
            {span.localEndpoint.serviceName} {span.localEndpoint.ipv4 ?? span.localEndpoint.ipv6 ?? ""}
            {span.localEndpoint.port ? `:${span.localEndpoint.port}` : ""}
          </dd>
        </div>
        {span.parentId && (
          <div>
            <dt className="mono">parentId</dt>
            <dd className="mono">{span.parentId}</dd>
          </div>
        )}
      </dl>
    </details>
  );
}

function pathOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}

export function TraceDetailPage({ traceId }: { traceId: string }) {
  const trace = useTraceQuery(traceId);
  const t = trace.data;
  const root = t ? serverSpan(t) : undefined;
  const clusters = t ? [...new Set(t.spans.map((s) => s.tags.upstream_cluster).filter((c): c is string => Boolean(c) && c !== "-"))] : [];
  // spans name no route unless a worker tags it; the request's access-log entry (same x-request-id) does
  const tagged = t ? routeNameOf(t) : undefined;
  const requestId = root?.tags["guid:x-request-id"];
  const path = pathOf(root?.tags["http.url"]);
  const log = useAccessLogQuery({ pathContains: path, limit: 1000 }, { paused: true, enabled: Boolean(t && !tagged && requestId && path) });
  const route = tagged ?? log.data?.entries.find((e) => e.requestId === requestId && e.routeName)?.routeName ?? undefined;
  return (
    <>
      <nav aria-label="Breadcrumb" className="small muted" style={{ marginBottom: 6 }}>
        <Link href="/traces">Traces</Link> / <code>{traceId}</code>
      </nav>
      <div className="page-head">
        <div>
          <h1>
            Trace <code style={{ fontSize: 16 }}>{traceId.slice(0, 16)}</code>
          </h1>
          {root && (
            <p>
              <strong>{root.tags["http.method"]}</strong> <span className="mono">{root.tags["http.url"]}</span> → {root.tags["http.status_code"] ?? "?"} in{" "}
              {fmtDuration(root.duration / 1000)} · started {new Date(traceStartMs(t!)).toLocaleString()} · node {root.node}
            </p>
          )}
        </div>
      </div>
      {trace.isPending ? (
        <div className="card stack" role="status" aria-label="Loading trace">
          <Skeleton width="40%" />
          <Skeleton height={60} />
        </div>
      ) : trace.isError ? (
        <ErrorState what="the trace" error={trace.error} onRetry={() => trace.refetch()} />
      ) : !t ? (
        <EmptyState title="Trace not found" action={<Link className="btn primary" href="/traces">Search traces</Link>}>
          The console keeps the last 5,000 spans in memory; this trace is not (or no longer) among them. With a Zipkin collector set in Settings, look it up there.
        </EmptyState>
      ) : (
        <div className="stack" style={{ gap: 16 }}>
          <section className="card" aria-label="Waterfall">
            <div className="row wrap" style={{ marginBottom: 10 }}>
              <h2 style={{ margin: 0 }}>Waterfall</h2>
              <span className="spacer" />
              <span className="small">
                {route ? (
                  <>
                    route{" "}
                    <Link href={`/routes?q=${encodeURIComponent(route)}`}>
                      <code>{route}</code>
                    </Link>
                  </>
                ) : (
                  <span className="muted" title="Neither the spans nor the access-log sample name the route of this request">
                    route: unknown
                  </span>
                )}
                {clusters.map((c) => (
                  <span key={c}>
                    {" · "}cluster{" "}
                    <Link href={`/clusters/${encodeURIComponent(c)}`}>
                      <code>{c}</code>
                    </Link>
                  </span>
                ))}
              </span>
            </div>
            <Waterfall trace={t} />
          </section>
          <section className="card" aria-label="Span tags">
            <h2>Tags</h2>
            <div className="stack" style={{ gap: 8 }}>
              {t.spans.map((s) => (
                <SpanTags key={s.id + s.kind} span={s} />
              ))}
            </div>
          </section>
        </div>
      )}
    </>
  );
}
