// One --concurrency N worker process (a node:cluster worker): a plain ProxyServer whose listeners share the
// primary's sockets. It applies what the primary sends, answers each apply, forwards upstream events and
// reports its stats once a second. It never talks to the console and has no admin listener. It was forked
// with the primary's command line, so it logs at the same -l level to the same place (stderr or --log-path).
import process from "node:process";
import { ProxyServer } from "../server";
import { LOG_DROPPED_LINES_STAT, type Logger } from "../log/logger";
import { CHILD_STOP_MARGIN_MS, armStopDeadline } from "../stop-deadline";
import { UPSTREAM_EVENT_KINDS } from "../upstream/events";
import { processMemory } from "../stats/server-stats";
import { requestSamplerOf } from "../http/request-sample";
import { NODE_CLUSTER_ENV, NODE_ID_ENV, REPORT_INTERVAL_MS, type PrimaryToWorker, type WorkerStatsReport, type WorkerToPrimary } from "./ipc";

export function runWorker(opts: { drainMs: number; logger: Logger }) {
  const log = opts.logger.prefixed(`[worker ${process.pid}] `);
  const proxy = new ProxyServer({ drainMs: opts.drainMs, log, node: { id: process.env[NODE_ID_ENV], cluster: process.env[NODE_CLUSTER_ENV] || undefined } });
  // reported like any counter: the primary's /stats shows the sum over itself and its workers
  opts.logger.countDropsIn(proxy.store.counter(LOG_DROPPED_LINES_STAT));
  // the primary owns the console connection: this process's sampled spans travel with its reports
  proxy.spans.enabled = true;
  proxy.accessLogSample.enabled = true;
  // a gone primary is handled by "disconnect"; `done` runs once the message left (or could not)
  const send = (m: WorkerToPrimary, done: () => void = () => {}) => {
    if (process.connected) process.send!(m, undefined, {}, () => done());
    else done();
  };
  for (const kind of ["circuit_breaker", ...UPSTREAM_EVENT_KINDS]) proxy.events.on(kind, (event: unknown) => send({ t: "event", kind, event }));

  const reported = new Set<string>();
  const report = (done?: () => void) => {
    const r: WorkerStatsReport = { t: "stats", counters: {}, gauges: {}, histograms: {}, clusters: proxy.clustersView(), memory: processMemory() };
    for (const c of proxy.store.counters.values()) {
      if (c.value !== c.flushed || !reported.has(c.name)) {
        r.counters[c.name] = c.value - c.flushed;
        c.flushed = c.value;
        reported.add(c.name);
      }
    }
    for (const g of proxy.store.gauges.values()) {
      if (g.used && (g.value !== g.flushed || !reported.has("g:" + g.name))) {
        r.gauges[g.name] = g.value;
        g.flushed = g.value;
        reported.add("g:" + g.name);
      }
    }
    // nobody else reads this process's interval histograms: they hold exactly the samples since the last report
    for (const h of proxy.store.histograms.values()) {
      const i = h.interval;
      if (i.count === 0) continue;
      r.histograms[h.name] = { b: i.sparse(), n: i.count, s: i.sumUs, m: i.maxUs };
      i.reset();
    }
    const spans = proxy.spans.take();
    if (spans !== null) send({ t: "spans", spans });
    const entries = proxy.accessLogSample.take();
    const dropped = proxy.accessLogSample.takeDropped();
    if (entries !== null || dropped > 0) send({ t: "access_log", entries: entries ?? [], dropped });
    const heads = requestSamplerOf(proxy.store).take();
    if (heads !== null) send({ t: "request_sample", listeners: heads });
    send(r, done);
  };
  const timer = setInterval(() => report(), REPORT_INTERVAL_MS);
  timer.unref();

  let stopping = false;
  const stop = async (drainMs: number) => {
    if (stopping) return;
    stopping = true;
    armStopDeadline(drainMs + CHILD_STOP_MARGIN_MS, log);
    log.debug(`draining (up to ${drainMs / 1000}s)`);
    clearInterval(timer);
    await proxy.shutdown(drainMs);
    // the last report (requests that finished while draining) leaves before the process does
    await new Promise<void>((resolve) => {
      report(resolve);
      setTimeout(resolve, 1000).unref();
    });
    process.exit(0);
  };

  process.on("message", (m: PrimaryToWorker) => {
    if (m?.t === "apply") {
      proxy.apply(m.resources, m.version).then(
        () => {
          log.debug(`applied version ${m.version}`);
          send({ t: "applied", id: m.id, ok: true, listeners: proxy.listenersView() });
        },
        (err: Error) => {
          // the primary logs the refusal once for all workers
          log.debug(`refused version ${m.version}: ${err.message.split("\n").join("; ")}`);
          send({ t: "applied", id: m.id, ok: false, error: err.message });
        },
      );
    } else if (m?.t === "stop") void stop(m.drainMs);
    else if (m?.t === "healthcheck") proxy.healthCheckFailed = m.failed;
    else if (m?.t === "request_sampling") requestSamplerOf(proxy.store).enabled = m.enabled;
    else if (m?.t === "runtime") {
      try {
        proxy.runtime.restore(m.state);
      } catch (err) {
        // the primary loaded the same layers first, so this cannot refuse them; keep the previous runtime if it does
        log.error(`runtime not applied: ${(err as Error).message}`);
      }
    }
  });
  // the primary went away (killed): nothing will ever reconfigure or report this process, drain and go
  process.on("disconnect", () => void stop(opts.drainMs));
  // Ctrl-C reaches the whole process group: the primary coordinates the drain; SIGHUP is the primary's reload
  process.on("SIGINT", () => {});
  process.on("SIGHUP", () => {});
  process.on("SIGTERM", () => void stop(opts.drainMs));
  send({ t: "ready" });
}
