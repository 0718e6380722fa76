// `npx proxy-core`: run a worker from an Envoy v3 bootstrap file (-c) or following a console (--control-plane).
import fs from "node:fs";
import os from "node:os";
import cluster from "node:cluster";
import crypto from "node:crypto";
import { validateBootstrap, formatIssues } from "./config/validate";
import { parseDocument } from "./config/parse-document";
import { AdminServer } from "./admin/server";
import { ProxyServer, type ProxyView } from "./server";
import { ClusterPrimary } from "./cluster/primary";
import { runWorker } from "./cluster/worker";
import { XdsClient } from "./xds/client";
import { PROXY_CORE_VERSION } from "./version";

const HELP = `proxy-core ${PROXY_CORE_VERSION}: Signalbox's Envoy-v3-compatible HTTP proxy worker

Usage:
  proxy-core -c FILE [--admin-address HOST:PORT]
      Run alone from an Envoy v3 bootstrap file (YAML or JSON). SIGHUP reloads the file.
  proxy-core --control-plane ws://HOST:PORT/ws/worker [--node-id ID] [--token T] [--admin-address HOST:PORT]
      Follow a Signalbox console: receive config snapshots, answer ACK/NACK, stream stats.

Options:
  -c, --config-path FILE     Envoy v3 bootstrap (static_resources, admin)
  --control-plane URL        console WebSocket URL
  --node-id ID               node id shown by the console (default: the hostname)
  --token T                  bearer token for the console (default: $PROXY_CORE_TOKEN)
  --admin-address HOST:PORT  admin listener; overrides the bootstrap's admin.address
                             (default 127.0.0.1:9901 with --control-plane, none with -c unless configured)
  --concurrency N|auto       processes serving traffic (default 1). N > 1: a primary process keeps the
                             console connection / config file, the admin listener and the merged stats,
                             and forks N node:cluster workers sharing the listeners; auto (or 0) = one per core
  --drain-time-s N           how long in-flight requests may finish on shutdown/reload (default 5)
  -h, --help                 show this help
  --version                  print the version
`;

interface Args {
  config?: string;
  controlPlane?: string;
  nodeId?: string;
  token?: string;
  adminAddress?: string;
  concurrency?: string;
  drainS?: number;
  help?: boolean;
  version?: boolean;
}

function fail(msg: string): never {
  process.stderr.write(`proxy-core: ${msg}\n`);
  process.exit(1);
}

function parseArgs(argv: string[]): Args {
  const a: Args = {};
  for (let i = 0; i < argv.length; i++) {
    let flag = argv[i];
    let value: string | undefined;
    const eq = flag.indexOf("=");
    if (flag.startsWith("--") && eq > 0) {
      value = flag.slice(eq + 1);
      flag = flag.slice(0, eq);
    }
    const next = () => {
      const v = value ?? argv[++i];
      if (v === undefined) fail(`${flag} needs a value (see --help)`);
      return v;
    };
    switch (flag) {
      case "-c":
      case "--config-path":
        a.config = next();
        break;
      case "--control-plane":
        a.controlPlane = next();
        break;
      case "--node-id":
        a.nodeId = next();
        break;
      case "--token":
        a.token = next();
        break;
      case "--admin-address":
        a.adminAddress = next();
        break;
      case "--concurrency":
        a.concurrency = next();
        break;
      case "--drain-time-s":
        a.drainS = Number(next());
        break;
      case "-h":
      case "--help":
        a.help = true;
        break;
      case "--version":
        a.version = true;
        break;
      default:
        fail(`unknown option ${flag} (see --help)`);
    }
  }
  return a;
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

const log = (msg: string) => process.stderr.write(`${new Date().toISOString()} proxy-core: ${msg}\n`);

/** Reads and validates a bootstrap file; returns the problems as `path: message` lines. */
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
  return { ok: true as const, bootstrap: v.value, version };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) return void process.stdout.write(HELP);
  if (args.version) return void process.stdout.write(`${PROXY_CORE_VERSION}\n`);
  if (!args.config === !args.controlPlane) fail("give exactly one of -c FILE or --control-plane URL (see --help)");
  const drainMs = (args.drainS ?? 5) * 1000;
  if (!Number.isFinite(drainMs) || drainMs < 0) fail("--drain-time-s must be a number of seconds");
  const concurrency = parseConcurrency(args.concurrency);
  // a --concurrency N worker process (forked by the primary below with the same command line)
  if (cluster.isWorker) return runWorker({ drainMs, log: (msg) => log(`[worker ${process.pid}] ${msg}`) });

  // a refused file fails before any worker is forked
  const initial = args.config ? await loadBootstrap(args.config) : null;
  if (initial && !initial.ok) {
    for (const line of initial.lines) process.stderr.write(line + "\n");
    process.stderr.write(`proxy-core: ${args.config} refused (${initial.lines.length} problem${initial.lines.length > 1 ? "s" : ""})\n`);
    process.exit(1);
  }

  // node.id / node.cluster: span tags and the Zipkin service name (src/tracing/)
  const node = { id: args.nodeId ?? initial?.bootstrap.node?.id ?? os.hostname(), cluster: initial?.bootstrap.node?.cluster };
  let proxy: ProxyView;
  if (concurrency > 1) {
    const primary = new ClusterPrimary(concurrency, { drainMs, log, node });
    proxy = primary;
    await primary.start();
    log(`forked ${concurrency} workers (pids ${primary.workerPids.join(" ")})`);
  } else proxy = new ProxyServer({ drainMs, log, node });
  let admin: AdminServer | null = null;
  let xds: XdsClient | null = null;
  let nodeId = args.nodeId ?? os.hostname();
  let adminAddr = args.adminAddress;

  if (args.config) {
    const file = args.config;
    const loaded = initial!;
    const b = loaded.bootstrap;
    nodeId = args.nodeId ?? b.node?.id ?? nodeId;
    if (!adminAddr && b.admin) adminAddr = `${b.admin.address.socket_address.address}:${b.admin.address.socket_address.port_value}`;
    try {
      await proxy.apply({ listeners: b.static_resources.listeners ?? [], clusters: b.static_resources.clusters ?? [] }, loaded.version);
    } catch (err) {
      fail(`cannot start: ${(err as Error).message}`);
    }
    process.on("SIGHUP", async () => {
      const next = await loadBootstrap(file);
      if (!next.ok) return log(`reload refused, keeping ${proxy.version}:\n${next.lines.join("\n")}`);
      const sr = next.bootstrap.static_resources;
      proxy.apply({ listeners: sr.listeners ?? [], clusters: sr.clusters ?? [] }, next.version).then(
        () => log(`reloaded ${file} (${next.version})`),
        (err: Error) => log(`reload refused, keeping ${proxy.version}: ${err.message}`),
      );
    });
  } else {
    adminAddr ??= "127.0.0.1:9901";
  }

  if (adminAddr) {
    const { host, port } = parseHostPort(adminAddr, "--admin-address");
    admin = new AdminServer(proxy, { host, port, nodeId: args.controlPlane ? nodeId : undefined, commandLine: process.argv.slice(2), onQuit: () => void stop("quitquitquit") });
    try {
      adminAddr = await admin.listen();
    } catch (err) {
      fail(`cannot bind admin ${adminAddr}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }

  if (args.controlPlane) {
    const token = args.token ?? process.env.PROXY_CORE_TOKEN;
    xds = new XdsClient(proxy, { url: args.controlPlane, nodeId, token, adminAddress: adminAddr, log });
    xds.start();
  }

  const listeners = proxy.listenersView().map((l) => `${l.name}=${l.address}`).join(" ");
  log(
    `started ${args.config ? `from ${args.config}` : `node ${nodeId} following ${args.controlPlane}`}` +
      (listeners ? `; listeners ${listeners}` : "") +
      (adminAddr ? `; admin ${adminAddr}` : ""),
  );

  let stopping = false;
  async function stop(signal: string) {
    if (stopping) return;
    stopping = true;
    log(`${signal}: draining (up to ${drainMs / 1000}s)`);
    await xds?.stop();
    await proxy.shutdown(drainMs);
    await admin?.close();
    log("stopped");
    process.exit(0);
  }
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

// one bad request or upstream must never take the worker down: log and keep serving
process.on("uncaughtException", (err) => log(`unexpected error (kept running): ${err.stack ?? err}`));
process.on("unhandledRejection", (err) => log(`unexpected rejection (kept running): ${(err as Error)?.stack ?? err}`));

main().catch((err) => fail((err as Error).stack ?? String(err)));
