// `npx proxy-core`: run a worker from an Envoy v3 bootstrap file (-c) or following a console (--control-plane).
import fs from "node:fs";
import os from "node:os";
import cluster from "node:cluster";
import crypto from "node:crypto";
import { validateBootstrap, formatIssues } from "./config/validate";
import { parseDocument } from "./config/parse-document";
import type { Bootstrap } from "./config/schema";
import { AdminServer } from "./admin/server";
import { ProxyServer, type ProxyView } from "./server";
import { ClusterPrimary } from "./cluster/primary";
import { runWorker } from "./cluster/worker";
import { XdsClient } from "./xds/client";
import { SnapshotCache } from "./xds/snapshot-cache";
import { PROXY_CORE_VERSION } from "./version";
import { HELP, CliUsageError, parseCliOptions, type CliOptions } from "./cli-options";
import { LOG_DROPPED_LINES_STAT, Logger, type Log } from "./log/logger";
import { STOP_MARGIN_MS, armStopDeadline } from "./stop-deadline";
import { CONSOLE_RUNTIME_LAYERS, effectiveLayers } from "./runtime/runtime";

// `proxy-core route-check …`: Envoy's route table check tool, a command of its own (src/router-check/cli.ts)
if (process.argv[2] === "route-check") {
  const { routeCheckMain } = await import("./router-check/cli");
  process.exit(await routeCheckMain(process.argv.slice(3)));
}

const logger = new Logger();
const log: Log = logger;

/** A problem that stops the process (a bad flag, a refused file): one line on stderr, whatever the level. */
function fail(msg: string): never {
  logger.writeStderr(`proxy-core: ${msg}\n`);
  process.exit(1);
}

function parseHostPort(s: string, what: string): { host: string; port: number } {
  const m = /^\[?([^\]]*)\]?:(\d+)$/.exec(s);
  if (!m || Number(m[2]) > 65535) fail(`${what} must be HOST:PORT, got "${s}"`);
  return { host: m[1], port: Number(m[2]) };
}

function parseConcurrency(v: string | undefined): number {
  if (v === undefined) return 1;
  if (v === "auto" || v === "0") return os.availableParallelism();
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 1024) fail(`--concurrency must be a number of processes or "auto", got "${v}"`);
  return n;
}

/**
 * Reads and validates a bootstrap file; returns the problems as `path: message` lines, or the bootstrap with the
 * deprecated fields it used (as `path: message` lines too, for the warning log).
 */
async function loadBootstrap(file: string) {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    return { ok: false as const, lines: [`${file}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message}`] };
  }
  let doc: unknown;
  try {
    doc = await parseDocument(text);
  } catch (err) {
    return { ok: false as const, lines: [`${file}: not valid YAML/JSON: ${(err as Error).message.split("\n")[0]}`] };
  }
  const v = validateBootstrap(doc);
  if (!v.ok) return { ok: false as const, lines: formatIssues(v.errors).split("\n") };
  const version = "file:" + crypto.createHash("sha256").update(text).digest("hex").slice(0, 12);
  return { ok: true as const, bootstrap: v.value, version, warnings: v.warnings.map((w) => `${w.path}: ${w.message}`) };
}

/** A bootstrap's static resources as the snapshot a worker applies; its static secrets resolve the TLS contexts' references. */
function bootstrapResources(b: Bootstrap) {
  const sr = b.static_resources;
  return { listeners: sr.listeners ?? [], clusters: sr.clusters ?? [], secrets: sr.secrets ?? [] };
}

/**
 * `--mode validate` (Envoy's validateConfig, source/server/config_validation/server.cc): load and check the file,
 * bind and contact nothing. Envoy prints `configuration '<path>' OK` on stdout; a refusal is one line per problem
 * on stderr and exit code 1.
 */
async function validateOnly(file: string): Promise<void> {
  const loaded = await loadBootstrap(file);
  if (!loaded.ok) {
    for (const line of loaded.lines) logger.writeStderr(line + "\n");
    process.exitCode = 1;
    return;
  }
  for (const line of loaded.warnings) log.warn(line);
  logger.writeStdout(`configuration '${file}' OK\n`);
}

/** Envoy's CommandLineOptions (admin/v3/server_info.proto) for the flags proxy-core has. */
function commandLineOptions(args: CliOptions, drainMs: number): Record<string, unknown> {
  return {
    config_path: args.config ?? "",
    mode: "Serve",
    log_level: args.logLevel === "warn" ? "warning" : args.logLevel,
    log_path: args.logPath ?? "",
    service_node: args.nodeId ?? "",
    drain_time: `${drainMs / 1000}s`,
  };
}

function readOptions(): CliOptions {
  try {
    return parseCliOptions(process.argv.slice(2));
  } catch (err) {
    if (err instanceof CliUsageError) fail(err.message);
    throw err;
  }
}

async function main() {
  const args = readOptions();
  if (args.help) return void logger.writeStdout(HELP);
  if (args.version) return void logger.writeStdout(`${PROXY_CORE_VERSION}\n`);
  if (!args.config === !args.controlPlane) fail("give exactly one of -c FILE or --control-plane URL (see --help)");
  if (args.mode === "validate" && !args.config) fail("--mode validate checks a bootstrap file: give -c FILE");
  if (args.cacheDir !== undefined && !args.controlPlane) fail("--cache-dir keeps what a console sends: it needs --control-plane (see --help)");
  if (args.cacheDir === "") fail("--cache-dir needs a directory");
  const drainMs = (args.drainS ?? 5) * 1000;
  if (!Number.isFinite(drainMs) || drainMs < 0) fail("--drain-time-s must be a number of seconds");
  const concurrency = parseConcurrency(args.concurrency);
  logger.level = args.logLevel;
  if (args.logPath) {
    try {
      logger.logToFile(args.logPath);
    } catch (err) {
      fail(`cannot open --log-path ${args.logPath}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  if (args.mode === "validate") return validateOnly(args.config!);
  // a --concurrency N worker process (forked by the primary below with the same command line)
  if (cluster.isWorker) return runWorker({ drainMs, logger });

  // SIGTERM/SIGINT stop the process from here on, also while it is still starting (src/stop-deadline.ts):
  // stop() takes down whatever exists so far, and main() gives up after each step once it has begun
  let proxy: ProxyView | null = null;
  let primary: ClusterPrimary | null = null;
  let admin: AdminServer | null = null;
  let xds: XdsClient | null = null;
  let stopping = false;
  async function stop(reason: string) {
    if (stopping) return;
    stopping = true;
    armStopDeadline(drainMs + STOP_MARGIN_MS, log, () => primary?.killWorkers());
    log.info(`${reason}: draining (up to ${drainMs / 1000}s)`);
    await xds?.stop();
    await proxy?.shutdown(drainMs);
    await admin?.close();
    log.info("stopped");
    logger.close();
    process.exit(0);
  }
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));

  // a refused file fails before any worker is forked
  const initial = args.config ? await loadBootstrap(args.config) : null;
  if (initial && !initial.ok) {
    for (const line of initial.lines) logger.writeStderr(line + "\n");
    fail(`${args.config} refused (${initial.lines.length} problem${initial.lines.length > 1 ? "s" : ""})`);
  }
  if (stopping) return;

  // node.id / node.cluster: span tags and the Zipkin service name (src/tracing/)
  const node = { id: args.nodeId ?? initial?.bootstrap.node?.id ?? os.hostname(), cluster: initial?.bootstrap.node?.cluster };
  if (concurrency > 1) {
    primary = new ClusterPrimary(concurrency, { drainMs, log, node });
    proxy = primary;
    logger.countDropsIn(primary.store.counter(LOG_DROPPED_LINES_STAT));
    await primary.start();
    if (stopping) return;
    log.info(`forked ${concurrency} workers (pids ${primary.workerPids.join(" ")})`);
  } else {
    proxy = new ProxyServer({ drainMs, log, node });
    logger.countDropsIn(proxy.store.counter(LOG_DROPPED_LINES_STAT));
  }
  const running: ProxyView = proxy;
  let nodeId = args.nodeId ?? os.hostname();
  let adminAddr = args.adminAddress;

  if (args.config) {
    const file = args.config;
    const loaded = initial!;
    const b = loaded.bootstrap;
    nodeId = args.nodeId ?? b.node?.id ?? nodeId;
    if (!adminAddr && b.admin) adminAddr = `${b.admin.address.socket_address.address}:${b.admin.address.socket_address.port_value}`;
    log.debug(`loaded ${file} (${loaded.version})`);
    // once per load, as Envoy logs each deprecated option it reads
    for (const line of loaded.warnings) log.warn(line);
    try {
      // the runtime first, as Envoy loads it before the main configuration
      running.loadRuntime(effectiveLayers(b.layered_runtime));
      await running.apply(bootstrapResources(b), loaded.version);
    } catch (err) {
      // a stop while the clusters were warming cut the apply short: that is not a failure to start
      if (stopping) return;
      fail(`cannot start: ${(err as Error).message}`);
    }
    if (stopping) return;
    process.on("SIGHUP", async () => {
      log.debug(`SIGHUP: reloading ${file}`);
      const next = await loadBootstrap(file);
      if (!next.ok) return log.warn(`reload refused, keeping ${running.version}:\n${next.lines.join("\n")}`);
      for (const line of next.warnings) log.warn(line);
      running.apply(bootstrapResources(next.bootstrap), next.version).then(
        () => {
          // the file's static layers replace the old ones; what /runtime_modify set stays (the runtime is the process's)
          try {
            running.loadRuntime(effectiveLayers(next.bootstrap.layered_runtime));
          } catch (err) {
            log.warn(`runtime not reloaded, keeping the previous layers: ${(err as Error).message}`);
          }
          log.info(`reloaded ${file} (${next.version})`);
        },
        (err: Error) => log.warn(`reload refused, keeping ${running.version}: ${err.message}`),
      );
    });
  } else {
    adminAddr ??= "127.0.0.1:9901";
    // no bootstrap: an admin layer, so /runtime_modify works; console snapshots never carry runtime values
    running.loadRuntime(CONSOLE_RUNTIME_LAYERS);
  }

  if (adminAddr) {
    const { host, port } = parseHostPort(adminAddr, "--admin-address");
    admin = new AdminServer(running, {
      host,
      port,
      // -c: the bootstrap's node (as /server_info shows Envoy's); --control-plane: the --node-id the console knows
      nodeId: args.controlPlane ? nodeId : node.id,
      nodeCluster: node.cluster,
      addedViaApi: args.controlPlane !== undefined,
      commandLine: process.argv.slice(2),
      commandLineOptions: commandLineOptions(args, drainMs),
      onQuit: () => void stop("quitquitquit"),
      // the -c file, the console, or (--cache-dir) the snapshot restored at start while no console answered
      configSource: () =>
        args.config ? { source: "file", version_info: running.version, path: args.config } : (xds?.configSource() ?? null),
      // which of the --control-plane URLs the worker is connected to (null with -c)
      controlPlane: () => xds?.controlPlaneStatus() ?? null,
    });
    try {
      adminAddr = await admin.listen();
    } catch (err) {
      fail(`cannot bind admin ${adminAddr}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    if (stopping) return;
  }

  if (args.controlPlane) {
    const token = args.token ?? process.env.PROXY_CORE_TOKEN;
    // with --concurrency N the primary (this process) owns the cache: its workers only apply what it sends
    const cache = args.cacheDir ? new SnapshotCache(args.cacheDir, log) : undefined;
    xds = new XdsClient(running, { urls: args.controlPlane, nodeId, token, adminAddress: adminAddr, labels: args.nodeLabels, environment: args.environment, log, cache });
    // the cached version serves before the console is dialled, so its hello says what runs
    await xds.restoreFromCache();
    if (stopping) return;
    xds.start();
  }

  const listeners = running.listenersView().map((l) => `${l.name}=${l.address}`).join(" ");
  log.info(
    `started ${args.config ? `from ${args.config}` : `node ${nodeId} following ${args.controlPlane!.join(",")}`}` +
      (listeners ? `; listeners ${listeners}` : "") +
      (adminAddr ? `; admin ${adminAddr}` : ""),
  );
}

// one bad request or upstream must never take the worker down: log and keep serving (the logger never
// throws, so this cannot feed itself when stderr is gone)
process.on("uncaughtException", (err) => log.error(`unexpected error (kept running): ${err.stack ?? err}`));
process.on("unhandledRejection", (err) => log.error(`unexpected rejection (kept running): ${(err as Error)?.stack ?? err}`));

main().catch((err) => fail((err as Error).stack ?? String(err)));
