// Config files for the proxies under test, written into a temporary directory per run.
import fs from "node:fs";
import path from "node:path";
import YAML from "yaml";

export const PORTS = {
  upstreamA: 19001,
  upstreamB: 19011,
  closed: 19099, // nothing listens here: the "upstream down" scenario
  nginx: 19002,
  haproxy: 19003,
  httpProxy: 19004,
  fastify: 19005,
  signalbox: 19006,
  minimal: 19008,
  signalboxAdmin: 19901,
};

/** One nginx process, foreground, everything under `dir`; `http` is the body of the http block. */
function nginxConf(dir: string, name: string, logLevel: string, http: string): string {
  return `
worker_processes 1;
daemon off;
master_process off;
pid ${dir}/${name}.pid;
error_log ${dir}/${name}-error.log ${logLevel};
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path ${dir}/tmp-body;
  proxy_temp_path ${dir}/tmp-proxy;
  fastcgi_temp_path ${dir}/tmp-fcgi;
  uwsgi_temp_path ${dir}/tmp-uwsgi;
  scgi_temp_path ${dir}/tmp-scgi;
  keepalive_requests 1000000;
${http}
}
`;
}

export function upstreamNginxConf(dir: string): string {
  const file = path.join(dir, "upstream.conf");
  fs.writeFileSync(file, nginxConf(dir, "upstream", "warn", `
  client_max_body_size 0;
  server {
    listen 127.0.0.1:${PORTS.upstreamA} reuseport;
    listen 127.0.0.1:${PORTS.upstreamB} reuseport;
    location / { return 200 "ok\\n"; }
    # Signalbox's Zipkin span reports: a collector answers 202 (Envoy counts anything else as dropped)
    location = /api/v2/spans { return 202; }
    location /sink { client_body_buffer_size 1m; proxy_request_buffering off; return 200 "ok\\n"; }
  }`));
  return file;
}

export function nginxProxyConf(dir: string, upstreamPort: number, listenPort = PORTS.nginx): string {
  const file = path.join(dir, `nginx-proxy-${listenPort}.conf`);
  fs.writeFileSync(file, nginxConf(dir, `nginx-${listenPort}`, "crit", `
  upstream up { server 127.0.0.1:${upstreamPort}; keepalive 256; }
  server {
    listen 127.0.0.1:${listenPort};
    location / { proxy_pass http://up; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }`));
  return file;
}

export function haproxyConf(dir: string): string {
  const file = path.join(dir, "haproxy.cfg");
  fs.writeFileSync(file, `
global
  nbthread 1
  maxconn 8000
defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
  http-reuse always
frontend f
  bind 127.0.0.1:${PORTS.haproxy}
  default_backend b
backend b
  server s1 127.0.0.1:${PORTS.upstreamA}
`);
  return file;
}

const HCM_TYPE = "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
const ROUTER_TYPE = "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router";

export interface SignalboxOptions {
  routes?: number; // total routes; the benchmark request matches the last one
  /** circuit breaker: 0 opens max_requests and max_pending_requests for good, so every request overflows (503)
   * without a connection being opened; Envoy checks max_pending_requests when no connection is ready */
  maxRequests?: number;
  endpoints?: number[]; // upstream ports
  /** random_sampling percent of the Zipkin tracing (default 1: tracing at 1 % sampling); null: no tracing */
  tracingPercent?: number | null;
  /** an HCM access_log file logger with Envoy's default format, written to this path; absent: none */
  accessLogPath?: string;
  /** HTTP filters before the router: cors (the virtual host's policy allows BENCH_ORIGIN) and local_ratelimit
   *  with a bucket too big to limit anything; absent: the router alone */
  filterChain?: boolean;
}

/** The Origin the bench requests carry, so the CORS filter matches it and marks every response. */
export const BENCH_ORIGIN = "https://app.bench.example";

/** cors + local_ratelimit (enabled and enforced, never out of tokens) ahead of the router. */
function benchFilterChain() {
  return [
    { name: "envoy.filters.http.cors", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors" } },
    {
      name: "envoy.filters.http.local_ratelimit",
      typed_config: {
        "@type": "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit",
        stat_prefix: "bench_rate_limiter",
        token_bucket: { max_tokens: 1_000_000_000, tokens_per_fill: 1_000_000_000, fill_interval: "1s" },
        filter_enabled: { default_value: { numerator: 100, denominator: "HUNDRED" }, runtime_key: "local_rate_limit_enabled" },
        filter_enforced: { default_value: { numerator: 100, denominator: "HUNDRED" }, runtime_key: "local_rate_limit_enforced" },
      },
    },
  ];
}

const BENCH_CORS_POLICY = {
  "envoy.filters.http.cors": {
    "@type": "type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy",
    allow_origin_string_match: [{ exact: BENCH_ORIGIN }],
    allow_methods: "GET, POST",
    expose_headers: "x-request-id",
    max_age: "600",
  },
};

/** HCM tracing: Zipkin spans (B3 headers upstream) POSTed every 5 s to the upstream nginx, which answers 200. */
function tracing(percent: number) {
  return {
    random_sampling: { value: percent },
    provider: {
      name: "envoy.tracers.zipkin",
      typed_config: {
        "@type": "type.googleapis.com/envoy.config.trace.v3.ZipkinConfig",
        collector_cluster: "zipkin",
        collector_endpoint: "/api/v2/spans",
        collector_endpoint_version: "HTTP_JSON",
      },
    },
  };
}

/** The "realistic" route table: prefix, header and regex matches; the catch-all is last. */
export function signalboxRoutes(count: number): unknown[] {
  const routes: unknown[] = [];
  for (let i = 0; routes.length < count - 1; i++) {
    switch (i % 3) {
      case 0: routes.push({ match: { prefix: `/api/v${i}/` }, route: { cluster: "backend" } }); break;
      case 1: routes.push({ match: { prefix: "/", headers: [{ name: "x-tenant", string_match: { exact: `t${i}` } }] }, route: { cluster: "backend" } }); break;
      default: routes.push({ match: { safe_regex: { regex: `/svc${i}/[0-9]+` } }, route: { cluster: "backend" } });
    }
  }
  routes.push({ match: { prefix: "/" }, route: { cluster: "backend" } });
  return routes;
}

export function signalboxBootstrap(opts: SignalboxOptions = {}, listenPort = PORTS.signalbox) {
  const endpoints = opts.endpoints ?? [PORTS.upstreamA, PORTS.upstreamB];
  const tracingPercent = opts.tracingPercent === undefined ? 1 : opts.tracingPercent;
  return {
    static_resources: {
      listeners: [{
        name: "bench",
        address: { socket_address: { address: "127.0.0.1", port_value: listenPort } },
        filter_chains: [{
          filters: [{
            name: "envoy.filters.network.http_connection_manager",
            typed_config: {
              "@type": HCM_TYPE,
              stat_prefix: "ingress_http",
              ...(tracingPercent !== null ? { tracing: tracing(tracingPercent) } : {}),
              ...(opts.accessLogPath
                ? { access_log: [{ name: "envoy.access_loggers.file", typed_config: { "@type": "type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog", path: opts.accessLogPath } }] }
                : {}),
              route_config: {
                name: "local_route",
                virtual_hosts: [{ name: "all", domains: ["*"], routes: signalboxRoutes(opts.routes ?? 10), ...(opts.filterChain ? { typed_per_filter_config: BENCH_CORS_POLICY } : {}) }],
              },
              http_filters: [...(opts.filterChain ? benchFilterChain() : []), { name: "envoy.filters.http.router", typed_config: { "@type": ROUTER_TYPE } }],
            },
          }],
        }],
      }],
      clusters: [{
        name: "backend",
        type: "STATIC",
        connect_timeout: "1s",
        lb_policy: "ROUND_ROBIN",
        circuit_breakers: { thresholds: [{ max_connections: 4096, max_pending_requests: opts.maxRequests ?? 4096, max_requests: opts.maxRequests ?? 4096, max_retries: 3 }] },
        load_assignment: {
          cluster_name: "backend",
          endpoints: [{ lb_endpoints: endpoints.map((port) => ({ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: port } } } })) }],
        },
      }, ...(tracingPercent !== null ? [{
        name: "zipkin",
        type: "STATIC",
        connect_timeout: "1s",
        load_assignment: { cluster_name: "zipkin", endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: PORTS.upstreamA } } } }] }] },
      }] : [])],
    },
    admin: { address: { socket_address: { address: "127.0.0.1", port_value: PORTS.signalboxAdmin } } },
  };
}

export function writeSignalboxConfig(dir: string, name: string, opts: SignalboxOptions = {}, listenPort = PORTS.signalbox): string {
  const file = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(file, YAML.stringify(signalboxBootstrap(opts, listenPort)));
  return file;
}
