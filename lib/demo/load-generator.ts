// The demo's load: a steady stream of GETs spread over the demo routes, plus short bursts on the slow route
// that overflow its circuit breaker. Bounded three ways: a fixed rate, a cap on requests in flight, and a
// deadline after which it stops by itself.
import http from "node:http";

export interface LoadRoute {
  path: string;
  /** share of the steady stream (relative) */
  weight: number;
}

export interface LoadOptions {
  host: string;
  port: number;
  routes: LoadRoute[];
  /** steady requests per second over all routes */
  rps: number;
  /** every `everyMs`, `size` requests at once on `path` (the first after `firstAfterMs`) */
  burst: { path: string; size: number; everyMs: number; firstAfterMs: number };
  durationMs: number;
  /** requests in flight beyond which the generator skips its turn instead of piling up */
  maxInFlight?: number;
  requestTimeoutMs?: number;
}

export interface LoadCounts {
  sent: number;
  byPath: Map<string, number>;
  responses: { "2xx": number; "3xx": number; "4xx": number; "5xx": number; failed: number };
}

const TICK_MS = 100;

/** One cycle of paths, each `weight` times and interleaved (weights 3,1,1 → a b a c a). */
function schedule(routes: LoadRoute[]): string[] {
  const out: string[] = [];
  const total = routes.reduce((a, r) => a + r.weight, 0);
  const credit = routes.map(() => 0);
  // smooth weighted round-robin (as nginx's upstream balancer): each turn every route gains its weight,
  // the richest one is picked and pays the total
  for (let n = 0; n < total; n++) {
    let best = 0;
    routes.forEach((r, i) => {
      credit[i] += r.weight;
      if (credit[i] > credit[best]) best = i;
    });
    credit[best] -= total;
    out.push(routes[best].path);
  }
  return out;
}

export class LoadGenerator {
  readonly counts: LoadCounts = { sent: 0, byPath: new Map(), responses: { "2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0, failed: 0 } };
  #agent: http.Agent;
  #timers: NodeJS.Timeout[] = [];
  #order: string[];
  #next = 0;
  #carry = 0;
  #inFlight = 0;
  #running = false;

  constructor(private readonly o: LoadOptions, private readonly onEnd: (reason: "duration") => void) {
    // keep-alive like a real client; sockets enough for a burst plus the steady stream
    this.#agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    this.#order = schedule(o.routes);
    for (const r of o.routes) this.counts.byPath.set(r.path, 0);
    this.counts.byPath.set(o.burst.path, this.counts.byPath.get(o.burst.path) ?? 0);
  }

  get running() {
    return this.#running;
  }

  start() {
    if (this.#running) return;
    this.#running = true;
    const perTick = (this.o.rps * TICK_MS) / 1000;
    this.#timers.push(
      setInterval(() => {
        // fractional rates accumulate, so 25 rps is 2 or 3 a tick and 25 a second
        this.#carry += perTick;
        for (; this.#carry >= 1; this.#carry--) {
          this.#send(this.#order[this.#next]);
          this.#next = (this.#next + 1) % this.#order.length;
        }
      }, TICK_MS),
    );
    const burst = () => {
      for (let i = 0; i < this.o.burst.size; i++) this.#send(this.o.burst.path);
    };
    this.#timers.push(
      setTimeout(() => {
        burst();
        this.#timers.push(setInterval(burst, this.o.burst.everyMs).unref());
      }, this.o.burst.firstAfterMs),
    );
    this.#timers.push(
      setTimeout(() => {
        this.stop();
        this.onEnd("duration");
      }, this.o.durationMs),
    );
    // none of these may keep a process alive on its own (the console's server does that)
    for (const t of this.#timers) t.unref();
  }

  /** Stops sending now; requests in flight are aborted and not counted. */
  stop() {
    if (!this.#running) return;
    this.#running = false;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers = [];
    this.#agent.destroy();
  }

  #send(path: string) {
    if (!this.#running || this.#inFlight >= (this.o.maxInFlight ?? 200)) return;
    this.#inFlight++;
    this.counts.sent++;
    this.counts.byPath.set(path, (this.counts.byPath.get(path) ?? 0) + 1);
    let settled = false;
    const done = (status: number | null) => {
      if (settled) return;
      settled = true;
      this.#inFlight--;
      if (!this.#running) return;
      const r = this.counts.responses;
      if (status === null || status < 200) r.failed++;
      else if (status < 300) r["2xx"]++;
      else if (status < 400) r["3xx"]++;
      else if (status < 500) r["4xx"]++;
      else r["5xx"]++;
    };
    const req = http.request({ host: this.o.host, port: this.o.port, path, agent: this.#agent, headers: { "user-agent": "signalbox-demo" } }, (res) => {
      res.resume();
      res.once("end", () => done(res.statusCode ?? null));
      res.once("error", () => done(null));
    });
    req.setTimeout(this.o.requestTimeoutMs ?? 5000, () => req.destroy(new Error("timeout")));
    req.once("error", () => done(null));
    req.end();
  }
}
