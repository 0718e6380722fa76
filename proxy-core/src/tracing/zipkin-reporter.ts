// The Zipkin driver's reporter (Envoy's zipkin_tracer_impl.cc): finished spans are buffered and POSTed as one
// JSON v2 array to `collector_endpoint` on `collector_cluster` when `min_flush_spans` (5) are waiting or every
// `flush_interval_ms` (5 s), whichever comes first (Envoy's runtime defaults). Reports travel through the
// collector cluster's own host selection, connection pool and circuit breakers, as Envoy's async client does.
// One reporter per distinct provider config per process, shared by every HCM that uses that config.
import type { Dispatcher } from "undici";
import type { ZipkinConfig } from "../config/schema";
import type { ZipkinSpan } from "../protocol";
import { NO_LB_CONTEXT } from "../lb/load-balancer";
import type { ConnPool, PoolStream } from "../pool/conn-pool";
import type { PoolConnection } from "../pool/pool-connection";
import type { ClusterManager } from "../upstream/cluster-manager";
import type { ZipkinCounters } from "./tracing-stats";

/** Envoy's reporting timeout for one collector request. */
const REPORT_TIMEOUT_MS = 5000;

export interface ReporterOptions {
  flushIntervalMs: number;
  minFlushSpans: number;
  counters: ZipkinCounters;
  clusters: () => ClusterManager | null;
}

export class ZipkinReporter {
  #buffer: ZipkinSpan[] = [];
  readonly #timer: NodeJS.Timeout;
  readonly #hostHeader: string;
  /** reports on their way, so shutdown can wait for them */
  readonly inFlight = new Set<ZipkinReport>();

  constructor(
    readonly config: ZipkinConfig,
    private readonly opts: ReporterOptions,
  ) {
    this.#hostHeader = config.collector_hostname ?? config.collector_cluster;
    this.#timer = setInterval(onFlushTimer, opts.flushIntervalMs, this);
    this.#timer.unref();
  }

  add(span: ZipkinSpan) {
    this.#buffer.push(span);
    if (this.#buffer.length >= this.opts.minFlushSpans) this.flush();
  }

  onTimer() {
    if (this.#buffer.length === 0) return;
    this.opts.counters.timer_flushed.inc();
    this.flush();
  }

  flush() {
    const spans = this.#buffer;
    if (spans.length === 0) return;
    this.#buffer = [];
    const c = this.opts.counters;
    const cluster = this.opts.clusters()?.get(this.config.collector_cluster);
    if (cluster === undefined) return void c.reports_skipped_no_cluster.inc();
    c.spans_sent.add(spans.length);
    const host = cluster.lb.chooseHost(NO_LB_CONTEXT);
    if (host === null) return void c.reports_failed.inc();
    const body = Buffer.from(JSON.stringify(spans));
    new ZipkinReport(this, cluster.poolFor(host), body).start();
  }

  dispatchOptions(body: Buffer): Dispatcher.DispatchOptions {
    return {
      path: this.config.collector_endpoint,
      method: "POST",
      headers: ["host", this.#hostHeader, "content-type", "application/json", "content-length", String(body.length)],
      body,
    };
  }

  onReportDone(r: ZipkinReport, status: number) {
    this.inFlight.delete(r);
    const c = this.opts.counters;
    // Envoy counts a report as sent only when the collector answers 202 Accepted
    if (status === 202) c.reports_sent.inc();
    else if (status > 0) c.reports_dropped.inc();
    else c.reports_failed.inc();
  }

  /** Sends what is buffered and stops the timer; resolves when the last reports were answered (or gave up). */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.flush();
    const deadline = Date.now() + REPORT_TIMEOUT_MS;
    while (this.inFlight.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  }
}

function onFlushTimer(r: ZipkinReporter) {
  r.onTimer();
}

/** One POST of a span report: a pool stream and undici dispatch handler, like router/upstream-request.ts. */
class ZipkinReport implements PoolStream {
  #conn: PoolConnection | null = null;
  #status = 0;
  #done = false;
  #abort: ((err?: Error) => void) | null = null;
  #timer: NodeJS.Timeout | null = null;

  constructor(
    readonly reporter: ZipkinReporter,
    readonly pool: ConnPool,
    readonly body: Buffer,
  ) {}

  start() {
    this.reporter.inFlight.add(this);
    this.#timer = setTimeout(onReportTimeout, REPORT_TIMEOUT_MS, this);
    this.#timer.unref();
    this.pool.newStream(this);
  }

  timeout() {
    this.#timer = null;
    if (this.#abort !== null) this.#abort(new Error("zipkin report timed out"));
    else if (this.#conn === null) {
      this.pool.cancel(this);
      this.#finish(0);
    }
  }

  onPoolOverflow() {
    this.#finish(0);
  }

  onPoolFailure() {
    this.#finish(0);
  }

  onPoolReady(conn: PoolConnection) {
    this.#conn = conn;
    conn.dispatch(this.reporter.dispatchOptions(this.body), this);
  }

  onConnect(abort: (err?: Error) => void) {
    this.#abort = abort;
    if (this.#done) abort(new Error("zipkin report timed out"));
  }

  onHeaders(status: number): boolean {
    if (status >= 200) this.#status = status;
    return true;
  }

  onData(): boolean {
    return true;
  }

  onComplete() {
    this.#release();
    this.#finish(this.#status);
  }

  onError() {
    this.#release();
    this.#finish(0);
  }

  #release() {
    const conn = this.#conn;
    if (conn !== null) {
      this.#conn = null;
      conn.done();
    }
  }

  #finish(status: number) {
    if (this.#done) return;
    this.#done = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.reporter.onReportDone(this, status);
  }
}

function onReportTimeout(r: ZipkinReport) {
  r.timeout();
}
