// Open-loop load at a fixed rate (wrk keeps a fixed number of connections busy instead, so its rate follows
// whatever else the two cores are doing, publishes included): a request every 1/rate s over keep-alive
// connections, until stopped. Counts answers by class and socket errors; a request is never retried. A request
// that is due is sent even while earlier ones wait (up to what the timeout lets pile up), so a slow answer shows
// as latency, not as a request that was never made.
import { Pool } from "undici";

export interface SteadyLoadResult {
  requests: number;
  ok: number;
  non2xx: number;
  /** connection refused/reset, timeouts and other socket errors */
  errors: number;
  /** requests that were due but not sent because `maxInFlight` were already waiting */
  skipped: number;
  statuses: Record<string, number>;
  firstError: string | null;
  seconds: number;
  /** from when a request was due (5 ms ticks) to its answer, ms: a late send counts against the proxy it waited for */
  latency: { p50: number; p99: number; max: number };
}

export function steadyLoad(url: string, rate: number, opts: { connections?: number; maxInFlight?: number; timeoutMs?: number } = {}) {
  const u = new URL(url);
  const timeoutMs = opts.timeoutMs ?? 5000;
  const pool = new Pool(u.origin, { connections: opts.connections ?? 8, pipelining: 1, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  const r: SteadyLoadResult = { requests: 0, ok: 0, non2xx: 0, errors: 0, skipped: 0, statuses: {}, firstError: null, seconds: 0, latency: { p50: NaN, p99: NaN, max: NaN } };
  // past this many waiting, the oldest would already have timed out
  const maxInFlight = opts.maxInFlight ?? Math.ceil((rate * timeoutMs) / 1000);
  const took: number[] = [];
  let inFlight = 0;
  const pending = new Set<Promise<void>>();
  const t0 = performance.now();
  let sent = 0;
  const one = (due: number) => {
    if (inFlight >= maxInFlight) return void r.skipped++;
    inFlight++;
    r.requests++;
    const p = pool
      .request({ path: u.pathname + u.search, method: "GET" })
      .then(async (res) => {
        await res.body.dump();
        took.push(performance.now() - due);
        r.statuses[res.statusCode] = (r.statuses[res.statusCode] ?? 0) + 1;
        if (res.statusCode >= 200 && res.statusCode < 300) r.ok++;
        else r.non2xx++;
      })
      .catch((e: Error & { code?: string }) => {
        r.errors++;
        r.firstError ??= `${e.code ?? e.name}: ${e.message}`;
      })
      .finally(() => {
        inFlight--;
        pending.delete(p);
      });
    pending.add(p);
  };
  // a 5 ms tick sends what is due since the start, so a late timer catches up instead of lowering the rate
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - t0) / 1000) * rate);
    while (sent < due) {
      sent++;
      one(t0 + (sent * 1000) / rate);
    }
  }, 5);
  return {
    /** stops sending, waits for the answers in flight, closes the connections */
    async stop(): Promise<SteadyLoadResult> {
      clearInterval(timer);
      r.seconds = (performance.now() - t0) / 1000;
      await Promise.all([...pending]);
      await pool.close();
      took.sort((a, b) => a - b);
      const at = (p: number) => took[Math.min(took.length - 1, Math.max(0, Math.ceil((p / 100) * took.length) - 1))] ?? NaN;
      r.latency = { p50: at(50), p99: at(99), max: took[took.length - 1] ?? NaN };
      return r;
    },
  };
}
