// Admin listener (Envoy's /ready, /stats, /stats/prometheus, /config_dump, /clusters, /server_info).
// Binds 127.0.0.1 by default. Mutating endpoints answer 400 to GET, as Envoy's do.
import http from "node:http";
import os from "node:os";
import type { ProxyView, ServerState } from "../server";
import type { Secret } from "../config/schema";
import { renderJson, renderPrometheus, renderText, type RenderOptions } from "../stats/render";
import { ServerStats } from "../stats/server-stats";
import { DEFAULT_LIMITS } from "../upstream/resource-manager";
import { PROXY_CORE_VERSION } from "../version";
import { handleRuntime, handleRuntimeModify } from "./runtime-handler";

export interface AdminOptions {
  host?: string;
  port: number;
  /** the bootstrap's node (or --node-id): /server_info, /config_dump */
  nodeId?: string;
  nodeCluster?: string;
  /** /clusters `added_via_api`: true when the clusters come from a control plane (default false) */
  addedViaApi?: boolean;
  /** for /server_info: the raw flags (`argv`, a Signalbox addition the console reads to recognise its workers) */
  commandLine?: string[];
  /** for /server_info: Envoy's CommandLineOptions fields that apply (config_path, mode, log_level, drain_time …) */
  commandLineOptions?: Record<string, unknown>;
  /** POST /quitquitquit */
  onQuit?: () => void;
  /** for /server_info `config_source`: where the running config came from (the -c file, the console, its cache) */
  configSource?: () => unknown;
  /** for /server_info `control_plane`: the console URLs a worker follows and the one it is connected to */
  controlPlane?: () => unknown;
  /** how often the server.* gauges (uptime, memory, state) are refreshed; default 1000 ms */
  serverStatsIntervalMs?: number;
}

const TEXT = { "content-type": "text/plain; charset=UTF-8" };
const JSON_CT = { "content-type": "application/json" };

export class AdminServer {
  readonly server: http.Server;
  readonly #serverStats: ServerStats;

  constructor(
    private readonly proxy: ProxyView,
    private readonly opts: AdminOptions,
  ) {
    this.server = http.createServer((req, res) => {
      try {
        this.#handle(req, res);
      } catch (err) {
        res.writeHead(500, TEXT).end(`admin error: ${(err as Error).message}\n`);
      }
    });
    this.server.on("clientError", (_e, socket) => socket.destroy());
    this.#serverStats = new ServerStats({
      store: proxy.store,
      startedAt: proxy.startedAt,
      get state() {
        return serverState(proxy);
      },
      processMemory: () => proxy.processMemory(),
    });
  }

  listen(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.opts.port, this.opts.host ?? "127.0.0.1", () => {
        this.server.off("error", reject);
        this.#serverStats.start(this.opts.serverStatsIntervalMs ?? 1000);
        const a = this.server.address() as { address: string; port: number };
        resolve(`${a.address}:${a.port}`);
      });
    });
  }

  get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  close(): Promise<void> {
    this.#serverStats.stop();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? "/", "http://admin");
    const q = url.searchParams;
    const mutations: Record<string, () => void> = {
      "/quitquitquit": () => {
        res.writeHead(200, TEXT).end("OK\n");
        this.opts.onQuit?.();
      },
      "/healthcheck/fail": () => {
        this.proxy.healthCheckFailed = true;
        // Envoy sets server.live at once (InstanceImpl::failHealthcheck), not at the next stats flush
        this.#serverStats.refresh();
        res.writeHead(200, TEXT).end("OK\n");
      },
      "/healthcheck/ok": () => {
        this.proxy.healthCheckFailed = false;
        this.#serverStats.refresh();
        res.writeHead(200, TEXT).end("OK\n");
      },
      "/reset_counters": () => {
        for (const c of this.proxy.store.counters.values()) {
          c.value = 0;
          c.flushed = 0;
        }
        res.writeHead(200, TEXT).end("OK\n");
      },
      "/runtime_modify": () => handleRuntimeModify(this.proxy, req, res, q),
    };
    if (url.pathname in mutations) {
      if (req.method !== "POST") return void res.writeHead(400, TEXT).end("This endpoint requires POST\n");
      return mutations[url.pathname]();
    }
    switch (url.pathname) {
      case "/ready": {
        const state = serverState(this.proxy);
        return void res.writeHead(state === "LIVE" ? 200 : 503, TEXT).end(`${state}\n`);
      }
      case "/stats":
      case "/stats/prometheus": {
        let o: RenderOptions;
        try {
          o = { filter: q.has("filter") ? new RegExp(q.get("filter")!) : undefined, usedOnly: q.has("usedonly") };
        } catch (err) {
          return void res.writeHead(400, TEXT).end(`Invalid regex: ${(err as Error).message}\n`);
        }
        if (url.pathname === "/stats/prometheus" || q.get("format") === "prometheus") return void res.writeHead(200, TEXT).end(renderPrometheus(this.proxy.store, o));
        if (q.get("format") === "json") return void res.writeHead(200, JSON_CT).end(JSON.stringify(renderJson(this.proxy.store, o)));
        return void res.writeHead(200, TEXT).end(renderText(this.proxy.store, o));
      }
      case "/memory": {
        // Envoy's /memory shape (tcmalloc names, string values) filled from node's heap and RSS
        const m = process.memoryUsage();
        const body = {
          allocated: String(m.heapUsed + m.external),
          heap_size: String(m.heapTotal),
          pageheap_unmapped: "0",
          pageheap_free: "0",
          total_thread_cache: "0",
          total_physical_bytes: String(m.rss),
        };
        return void res.writeHead(200, JSON_CT).end(JSON.stringify(body, null, 2));
      }
      case "/config_dump":
        return void res.writeHead(200, JSON_CT).end(JSON.stringify(this.#configDump(), null, 2));
      case "/clusters":
        return void res.writeHead(200, TEXT).end(this.#clustersText());
      case "/server_info":
        return void res.writeHead(200, JSON_CT).end(JSON.stringify(this.#serverInfo(), null, 2));
      case "/runtime":
        return handleRuntime(this.proxy, res);
      case "/listeners":
        return void res.writeHead(200, TEXT).end(this.proxy.listenersView().map((l) => `${l.name}::${l.address}\n`).join(""));
      case "/help":
      case "/":
        return void res
          .writeHead(200, TEXT)
          .end(
            "admin commands are:\n  /clusters\n  /config_dump\n  /healthcheck/fail (POST)\n  /healthcheck/ok (POST)\n  /help\n  /listeners\n  /memory\n  /quitquitquit (POST)\n  /ready\n  /reset_counters (POST)\n  /runtime\n  /runtime_modify (POST)\n  /server_info\n  /stats\n  /stats/prometheus\n",
          );
      default:
        return void res.writeHead(404, TEXT).end("invalid path. admin commands are listed at /help\n");
    }
  }

  #configDump() {
    const r = this.proxy.resources;
    const version = this.proxy.version ?? "";
    const last = this.proxy.appliedAt?.toISOString();
    const err = this.proxy.lastError;
    // after a NACK / refused reload Envoy shows the failed update next to the config still serving
    const errorState = err ? { error_state: { failed_configuration: { version_info: err.version }, last_update_attempt: err.at.toISOString(), details: err.details } } : {};
    return {
      version_info: version,
      configs: [
        {
          "@type": "type.googleapis.com/envoy.admin.v3.BootstrapConfigDump",
          bootstrap: { node: this.#node() },
        },
        {
          "@type": "type.googleapis.com/envoy.admin.v3.ClustersConfigDump",
          version_info: version,
          dynamic_active_clusters: (r?.clusters ?? []).map((c) => ({ version_info: version, cluster: redactKeys(c), last_updated: last })),
          ...errorState,
        },
        {
          "@type": "type.googleapis.com/envoy.admin.v3.ListenersConfigDump",
          version_info: version,
          dynamic_listeners: (r?.listeners ?? []).map((l) => ({ name: l.name, active_state: { version_info: version, listener: redactKeys(l), last_updated: last } })),
          ...errorState,
        },
        this.#secretsDump(r?.secrets ?? [], version, last),
      ],
    };
  }

  /**
   * admin.v3.SecretsConfigDump: a bootstrap's static_resources.secrets as static_secrets, the console's (SDS) as
   * dynamic_active_secrets, each private key shown as "[redacted]" as Envoy's config dump does.
   */
  #secretsDump(secrets: readonly Secret[], version: string, last: string | undefined) {
    const dumped = secrets.map((s) => ({ name: s.name, ...(this.opts.addedViaApi ? { version_info: version } : {}), last_updated: last, secret: redactKeys(s) }));
    return {
      "@type": "type.googleapis.com/envoy.admin.v3.SecretsConfigDump",
      ...(this.opts.addedViaApi ? { dynamic_active_secrets: dumped } : { static_secrets: dumped }),
    };
  }

  #clustersText(): string {
    const out: string[] = [];
    for (const c of this.proxy.clustersView()) {
      const n = c.name;
      out.push(`${n}::observability_name::${n}`);
      for (const k of ["max_connections", "max_pending_requests", "max_requests", "max_retries"] as const) out.push(`${n}::default_priority::${k}::${c.limits[k]}`);
      for (const k of Object.keys(DEFAULT_LIMITS)) out.push(`${n}::high_priority::${k}::${DEFAULT_LIMITS[k as keyof typeof DEFAULT_LIMITS]}`);
      out.push(`${n}::added_via_api::${this.opts.addedViaApi === true ? "true" : "false"}`);
      for (const h of c.hosts) {
        const p = `${n}::${h.label}`;
        const s = h.stats;
        out.push(
          `${p}::cx_active::${s.cx_active}`,
          `${p}::cx_connect_fail::${s.cx_connect_fail}`,
          `${p}::cx_total::${s.cx_total}`,
          `${p}::rq_active::${s.rq_active}`,
          `${p}::rq_error::${s.rq_error}`,
          `${p}::rq_success::${s.rq_success}`,
          `${p}::rq_timeout::${s.rq_timeout}`,
          `${p}::rq_total::${s.rq_total}`,
          `${p}::hostname::${h.address}`,
          `${p}::health_flags::${h.healthFlags}`,
          `${p}::weight::${h.weight}`,
          `${p}::region::`,
          `${p}::zone::`,
          `${p}::sub_zone::`,
          `${p}::canary::false`,
          `${p}::priority::0`,
          `${p}::success_rate::-1`,
          `${p}::local_origin_success_rate::-1`,
        );
      }
    }
    return out.join("\n") + (out.length ? "\n" : "");
  }

  /** envoy.config.core.v3.Node as Envoy fills it: user_agent_build_version.version is a SemanticVersion. */
  #node() {
    const [major_number, minor_number, patch] = PROXY_CORE_VERSION.split(/[.-]/).map((n) => Number(n) || 0);
    return {
      id: this.opts.nodeId ?? "",
      cluster: this.opts.nodeCluster ?? "",
      user_agent_name: "signalbox-proxy-core",
      user_agent_build_version: { version: { major_number, minor_number, patch } },
    };
  }

  /** admin.v3.ServerInfo; config_version, config_source, control_plane, health_check_failed and hostname are Signalbox's additions. */
  #serverInfo() {
    const up = Math.floor((Date.now() - this.proxy.startedAt) / 1000);
    return {
      version: `signalbox-proxy-core/${PROXY_CORE_VERSION}`,
      state: serverState(this.proxy),
      hot_restart_version: "disabled",
      command_line_options: { ...this.opts.commandLineOptions, concurrency: this.proxy.concurrency, argv: this.opts.commandLine ?? [] },
      node: this.#node(),
      uptime_current_epoch: `${up}s`,
      uptime_all_epochs: `${up}s`,
      config_version: this.proxy.version,
      /** Signalbox extension: {source: "file"|"control_plane"|"cache", version_info, …}, null before any config */
      config_source: this.opts.configSource?.() ?? null,
      /** Signalbox extension: {connected, url, urls} with --control-plane (url: the replica connected to), else null */
      control_plane: this.opts.controlPlane?.() ?? null,
      /** Signalbox extension: POST /healthcheck/fail is in effect (the state then reads DRAINING, as Envoy's) */
      health_check_failed: this.proxy.healthCheckFailed,
      hostname: os.hostname(),
    };
  }
}

/**
 * The state /ready, /server_info and the server.state gauge report: a started server whose health check was
 * failed through the admin is DRAINING (Envoy's admin Utility::serverState(init state, healthCheckFailed())).
 */
function serverState(proxy: ProxyView): ServerState {
  return proxy.state === "LIVE" && proxy.healthCheckFailed ? "DRAINING" : proxy.state;
}

/** Envoy redacts private keys in /config_dump: listeners' and clusters' inline keys, and every secret's. */
function redactKeys<T>(l: T): T {
  return JSON.parse(JSON.stringify(l), (k, v) => (k === "private_key" && v && typeof v === "object" && "inline_string" in v ? { inline_string: "[redacted]" } : v));
}
