// Open-loop load at a fixed rate (wrk keeps a fixed number of connections busy instead, so its rate follows
// whatever else the two cores are doing, publishes included): a request every 1/rate s over keep-alive
// connections, until stopped. Counts answers by class and socket errors; a request is never retried.
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
}

export function steadyLoad(url: string, rate: number, opts: { connections?: number; maxInFlight?: number; timeoutMs?: number } = {}) {
  const u = new URL(url);
  const pool = new Pool(u.origin, { connections: opts.connections ?? 8, pipelining: 1, headersTimeout: opts.timeoutMs ?? 5000, bodyTimeout: opts.timeoutMs ?? 5000 });
  const r: SteadyLoadResult = { requests: 0, ok: 0, non2xx: 0, errors: 0, skipped: 0, statuses: {}, firstError: null, seconds: 0 };
  const maxInFlight = opts.maxInFlight ?? 256;
  let inFlight = 0;
  const pending = new Set<Promise<void>>();
  const t0 = performance.now();
  let sent = 0;
  const one = () => {
    if (inFlight >= maxInFlight) return void r.skipped++;
    inFlight++;
    r.requests++;
    const p = pool
      .request({ path: u.pathname + u.search, method: "GET" })
      .then(async (res) => {
        await res.body.dump();
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
      one();
    }
  }, 5);
  return {
    /** stops sending, waits for the answers in flight, closes the connections */
    async stop(): Promise<SteadyLoadResult> {
      clearInterval(timer);
      r.seconds = (performance.now() - t0) / 1000;
      await Promise.all([...pending]);
      await pool.close();
      return r;
    },
  };
}
