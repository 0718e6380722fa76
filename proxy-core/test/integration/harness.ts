// Test harness: real upstream servers (the test kit's, proxy-core/test/kit), config builders, a plain HTTP client
// (fresh connection per request unless an agent is given) and a ProxyServer + admin on ephemeral ports.
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import tls from "node:tls";
import { HCM_TYPE, TCP_PROXY_TYPE, type Cluster, type FilterChain, type HcmNetworkFilter, type Listener, type Route, type TcpProxy } from "../../src/config/schema";
import { ProxyServer } from "../../src/server";
import { AdminServer } from "../../src/admin/server";
import { freePort } from "../kit/ports";
import { startUpstream as startKitUpstream, type Upstream } from "../kit/upstream";
import { sleep, waitFor as kitWaitFor } from "../kit/wait";
import type { CliProc } from "../fixtures/cli";

export { sleep, type Upstream };

/** A real upstream answering as `handler` does, every request recorded in `seen`: the test kit's (kit/upstream.ts). */
export function startUpstream(handler: http.RequestListener): Promise<Upstream> {
  return startKitUpstream({ handler });
}

/** A port nothing listens on, and nothing will while this test runs (a connect there is refused): ports.ts. */
export function deadPort(): Promise<number> {
  return freePort();
}

export function cluster(name: string, ports: number[], extra: Partial<Cluster> = {}): Cluster {
  return {
    name,
    connect_timeout: "1s",
    load_assignment: {
      cluster_name: name,
      endpoints: [{ lb_endpoints: ports.map((p) => ({ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: p } } } })) }],
    },
    ...extra,
  };
}

/** A listener whose filter chains hold the HTTP connection manager (what `listener()` builds). */
export type HttpListener = Omit<Listener, "filter_chains"> & { filter_chains: (Omit<FilterChain, "filters"> & { filters: HcmNetworkFilter[] })[] };

export function listener(name: string, routes: Route[], opts: { port?: number; domains?: string[]; statPrefix?: string } = {}): HttpListener {
  return {
    name,
    address: { socket_address: { address: "127.0.0.1", port_value: opts.port ?? 0 } },
    filter_chains: [
      {
        filters: [
          {
            name: "envoy.filters.network.http_connection_manager",
            typed_config: {
              "@type": HCM_TYPE,
              stat_prefix: opts.statPrefix ?? "ingress_http",
              route_config: { virtual_hosts: [{ name: "all", domains: opts.domains ?? ["*"], routes }] },
            },
          },
        ],
      },
    ],
  };
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function request(port: number, path = "/", opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer; agent?: http.Agent } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path, method: opts.method ?? "GET", headers: opts.headers, agent: opts.agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

export interface Harness {
  proxy: ProxyServer;
  admin: AdminServer;
  /** port of the first listener */
  port: number;
  portOf(name: string): number;
  stat(name: string): Promise<number | undefined>;
  close(): Promise<void>;
}

export async function startProxy(listeners: Listener[], clusters: Cluster[], version = "v1"): Promise<Harness> {
  const proxy = new ProxyServer({ drainMs: 200 });
  const admin = new AdminServer(proxy, { port: 0 });
  await admin.listen();
  await proxy.apply({ listeners, clusters }, version);
  const portOf = (name: string) => proxy.listeners.active.get(name)!.port;
  return {
    proxy,
    admin,
    get port() {
      return portOf(listeners[0].name);
    },
    portOf,
    stat: (name) => adminStat(admin.port, name),
    close: async () => {
      await proxy.shutdown(200);
      await admin.close();
    },
  };
}

/** Reads one stat through the admin `/stats` text output (the way an operator would). */
export async function adminStat(adminPort: number, name: string): Promise<number | undefined> {
  const r = await request(adminPort, `/stats?filter=${encodeURIComponent(`^${name.replace(/\./g, "\\.")}$`)}`);
  const m = /: (\d+)\s*$/.exec(r.body.trim());
  return m ? Number(m[1]) : undefined;
}

/**
 * The test kit's waitFor (kit/wait.ts) in the argument order these tests use: polls `fn` until it returns true;
 * an error `fn` throws counts as "not yet", and a timeout's error carries the last one and what `diagnose` says.
 */
export async function waitFor(fn: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000, diagnose?: () => string | Promise<string>): Promise<void> {
  await kitWaitFor(what, fn, { timeoutMs, diagnose });
}

/** The last `lines` lines of a CLI worker's stderr, for an error message. */
export function stderrTail(p: CliProc, lines = 30): string {
  const all = p.stderr().trimEnd().split("\n");
  return `--- worker stderr (last ${Math.min(lines, all.length)} of ${all.length} lines) ---\n${all.slice(-lines).join("\n")}`;
}

/**
 * Waits until a CLI worker's admin answers /ready with 200 (Envoy's readiness: its listeners are bound and its
 * config applied). A worker that exits fails the wait at once, with its exit code and stderr (a listener it could
 * not bind says "cannot bind … EADDRINUSE" there); a timeout carries the stderr too. The deadline is generous: on
 * a loaded 2-core machine a worker takes a few seconds to start, and another test's load may starve it longer.
 */
export async function waitForCliReady(p: CliProc, adminPort: number, timeoutMs = 30_000): Promise<void> {
  await kitWaitFor(`the worker's admin 127.0.0.1:${adminPort} to answer /ready`, async () => (await request(adminPort, "/ready").catch(() => null))?.status === 200, {
    timeoutMs,
    diagnose: () => stderrTail(p),
    giveUp: () => {
      const { exitCode, signalCode } = p.child;
      return exitCode !== null || signalCode !== null ? `the worker exited (${exitCode ?? signalCode})` : null;
    },
  });
}

export interface CountingUpstream {
  port: number;
  server: http.Server;
  /** requests in flight now, and the most seen at once since the last `reset()` */
  inFlight: number;
  maxInFlight: number;
  /** the most in flight at once per first path segment ("/a/x" → "a"), since the last `reset()` */
  maxByPrefix: Map<string, number>;
  /** requests and TCP connections seen since the last `reset()` */
  requests: number;
  connections: number;
  reset(): void;
  close(): Promise<void>;
}

/**
 * An upstream that measures concurrency where it matters, at the upstream: it answers each request after
 * `delayMs` (or as `answer` decides) and records how many were in flight at once. `keepAliveTimeoutMs` is the
 * node server's idle timeout for keep-alive connections (node's default is 5 s).
 */
export async function startCountingUpstream(opts: {
  delayMs: number;
  keepAliveTimeoutMs?: number;
  answer?: (req: http.IncomingMessage, res: http.ServerResponse) => void;
}): Promise<CountingUpstream> {
  const byPrefix = new Map<string, number>();
  const u: CountingUpstream = {
    port: 0,
    server: null as unknown as http.Server,
    inFlight: 0,
    maxInFlight: 0,
    maxByPrefix: new Map(),
    requests: 0,
    connections: 0,
    reset() {
      u.maxInFlight = u.inFlight;
      u.maxByPrefix = new Map(byPrefix);
      u.requests = 0;
      u.connections = 0;
    },
    close: () =>
      new Promise<void>((r) => {
        u.server.closeAllConnections();
        u.server.close(() => r());
      }),
  };
  const server = http.createServer((req, res) => {
    const prefix = (req.url ?? "/").split("/")[1] ?? "";
    u.requests++;
    u.inFlight++;
    u.maxInFlight = Math.max(u.maxInFlight, u.inFlight);
    byPrefix.set(prefix, (byPrefix.get(prefix) ?? 0) + 1);
    u.maxByPrefix.set(prefix, Math.max(u.maxByPrefix.get(prefix) ?? 0, byPrefix.get(prefix)!));
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      u.inFlight--;
      byPrefix.set(prefix, byPrefix.get(prefix)! - 1);
    };
    res.on("finish", finish);
    res.on("close", finish);
    if (opts.answer) return opts.answer(req, res);
    setTimeout(() => res.end("ok"), opts.delayMs);
  });
  server.keepAliveTimeout = opts.keepAliveTimeoutMs ?? 5000;
  server.on("connection", () => u.connections++);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  u.server = server;
  u.port = (server.address() as AddressInfo).port;
  return u;
}

/** `n` concurrent GETs, each on its own downstream connection; resolves with every reply (errors as status 0). */
export function burst(port: number, n: number, path: string | ((i: number) => string) = "/"): Promise<Reply[]> {
  return Promise.all(
    Array.from({ length: n }, (_, i) => request(port, typeof path === "string" ? path : path(i)).catch((e: Error) => ({ status: 0, headers: {}, body: e.message }))),
  );
}

/** The listener with `http_filters` on its (first) connection manager, the router appended last. */
export function withHttpFilters<L extends HttpListener>(l: L, filters: Record<string, unknown>[]): L {
  const hcm = l.filter_chains[0].filters[0].typed_config as { http_filters?: unknown[] };
  hcm.http_filters = [...filters, { name: "envoy.filters.http.router", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" } }];
  return l;
}

// ---- raw TCP (tcp_proxy tests)

export interface TcpEcho {
  port: number;
  server: net.Server;
  /** connections accepted so far */
  connections: number;
  close(): Promise<void>;
}

/**
 * A TCP (or, with `tls`, TLS) echo server: it writes `greeting` on connect, then echoes bytes as they arrive with
 * backpressure; after the client's FIN it writes `trailer(bytes echoed)` and ends its side (a half-close peer).
 */
export async function startTcpEcho(opts: { greeting?: string; trailer?: (echoed: number) => string; tls?: tls.TlsOptions; onSocket?: (s: net.Socket) => void } = {}): Promise<TcpEcho> {
  const sockets = new Set<net.Socket>();
  const onConnection = (s: net.Socket) => {
    e.connections++;
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
    s.on("error", () => {});
    opts.onSocket?.(s);
    if (opts.greeting !== undefined) s.write(opts.greeting);
    let echoed = 0;
    s.on("data", (d: Buffer) => {
      echoed += d.length;
      if (!s.write(d)) {
        s.pause();
        s.once("drain", () => s.resume());
      }
    });
    s.on("end", () => (opts.trailer ? s.end(opts.trailer(echoed)) : s.end()));
  };
  const server = opts.tls ? tls.createServer({ ...opts.tls, allowHalfOpen: true }, onConnection) : net.createServer({ allowHalfOpen: true }, onConnection);
  server.on("tlsClientError", () => {});
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const e: TcpEcho = {
    port: (server.address() as AddressInfo).port,
    server,
    connections: 0,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
  return e;
}

export interface TcpExchange {
  /** everything received until the connection closed */
  data: Buffer;
  /** the peer's FIN arrived (a clean end, not a reset) */
  ended: boolean;
  /** ms from connect to close */
  lifetimeMs: number;
}

/**
 * Connects (TCP, or TLS with `tls`), writes `send`, then half-closes unless `keepOpen`, and resolves with what
 * came back once the connection closed. `readAfterMs` leaves the client not reading for that long, so the
 * proxy's buffers fill up (backpressure).
 */
export function tcpExchange(port: number, send: Buffer | string, opts: { tls?: tls.ConnectionOptions; keepOpen?: boolean; readAfterMs?: number; timeoutMs?: number } = {}): Promise<TcpExchange> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = opts.tls ? tls.connect({ host: "127.0.0.1", port, rejectUnauthorized: false, ...opts.tls }) : net.connect({ host: "127.0.0.1", port });
    socket.allowHalfOpen = true;
    const chunks: Buffer[] = [];
    let ended = false;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close within ${opts.timeoutMs ?? 15_000} ms (${Buffer.concat(chunks).length} bytes received)`));
    }, opts.timeoutMs ?? 15_000);
    if (opts.readAfterMs !== undefined) {
      socket.pause();
      setTimeout(() => socket.resume(), opts.readAfterMs);
    }
    socket.on("data", (d: Buffer) => chunks.push(d));
    socket.on("end", () => {
      ended = true;
      // the peer is done: a client holding its side open finishes too, so the connection can close
      if (opts.keepOpen) socket.end();
    });
    socket.on("error", () => {});
    socket.once("close", () => {
      clearTimeout(timer);
      resolve({ data: Buffer.concat(chunks), ended, lifetimeMs: Date.now() - started });
    });
    socket.once(opts.tls ? "secureConnect" : "connect", () => {
      if (send.length > 0) socket.write(send);
      if (!opts.keepOpen) socket.end();
    });
  });
}

/** A filter chain holding a tcp_proxy (`tcp` without its @type). */
export function tcpProxyChain(tcp: Omit<TcpProxy, "@type">, extra: Partial<FilterChain> = {}): FilterChain {
  return { filters: [{ name: "envoy.filters.network.tcp_proxy", typed_config: { "@type": TCP_PROXY_TYPE, ...tcp } }], ...extra };
}

/** A plaintext listener on 127.0.0.1 whose one filter chain is a tcp_proxy. */
export function tcpProxyListener(name: string, tcp: Omit<TcpProxy, "@type">): Listener {
  return { name, address: { socket_address: { address: "127.0.0.1", port_value: 0 } }, filter_chains: [tcpProxyChain(tcp)] };
}
