// The demo's sample upstreams: three node:http servers on 127.0.0.1 ephemeral ports inside the console's
// process, each with a behaviour that shows a different part of the proxy: a fast healthy one, a slow one
// (latency percentiles, and the circuit breaker once requests pile up) and a flaky one (5xx and connection
// resets, which the route's retry policy hides most of).
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { DemoUpstreamKind } from "./contract";

export interface DemoUpstreamServer {
  kind: DemoUpstreamKind;
  port: number;
  /** requests it received */
  requests: number;
  close(): Promise<void>;
}

/** Share of flaky answers: 503, and connections reset before any response (Envoy's "reset" retry condition). */
export const FLAKY_5XX = 0.2;
export const FLAKY_RESET = 0.1;

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

const between = (lo: number, hi: number) => lo + Math.random() * (hi - lo);

function answer(res: http.ServerResponse, status: number, body: string, delayMs: number) {
  const t = setTimeout(() => {
    if (res.destroyed) return;
    res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(body) });
    res.end(body);
  }, delayMs);
  res.once("close", () => clearTimeout(t));
}

const HANDLERS: Record<DemoUpstreamKind, Handler> = {
  healthy: (req, res) => answer(res, 200, `healthy upstream: ${req.method} ${req.url}\n`, between(2, 20)),
  slow: (req, res) => answer(res, 200, `slow upstream: ${req.method} ${req.url}\n`, between(200, 800)),
  flaky: (req, res) => {
    const roll = Math.random();
    if (roll < FLAKY_RESET) {
      // no response at all: the proxy sees the connection close before headers
      req.socket.destroy();
      return;
    }
    if (roll < FLAKY_RESET + FLAKY_5XX) return answer(res, 503, "flaky upstream: failing this one\n", between(5, 30));
    answer(res, 200, `flaky upstream: ${req.method} ${req.url}\n`, between(5, 40));
  },
};

export async function startDemoUpstream(kind: DemoUpstreamKind): Promise<DemoUpstreamServer> {
  const sockets = new Set<Socket>();
  const server = http.createServer();
  const u: DemoUpstreamServer = {
    kind,
    port: 0,
    requests: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // in-flight and idle keep-alive connections alike: the port must be closed when this resolves
        for (const s of sockets) s.destroy();
      }),
  };
  server.on("connection", (s) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
  });
  server.on("request", (req, res) => {
    u.requests++;
    HANDLERS[kind](req, res);
  });
  server.on("clientError", (_e, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  u.port = (server.address() as AddressInfo).port;
  return u;
}

/** All three, or none: a failure closes the ones already started. */
export async function startDemoUpstreams(): Promise<DemoUpstreamServer[]> {
  const kinds: DemoUpstreamKind[] = ["healthy", "slow", "flaky"];
  const settled = await Promise.allSettled(kinds.map(startDemoUpstream));
  const ok = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) {
    await Promise.all(ok.map((u) => u.close()));
    throw failed.reason;
  }
  return ok;
}
