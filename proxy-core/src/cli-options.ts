// The command line of `npx proxy-core`: --help text and parsing (node:util parseArgs, with the error texts
// the CLI has always printed). Flag names follow Envoy's where Envoy has one (docs/root/operations/cli.rst):
// -c/--config-path, --mode, --admin-address (Envoy's is in the bootstrap), --concurrency, --drain-time-s,
// -l/--log-level, --log-path.
import { parseArgs } from "node:util";
import { LOG_LEVELS, parseLogLevel, type LogLevel } from "./log/logger";
import { PROXY_CORE_VERSION } from "./version";
import { STOP_MARGIN_MS } from "./stop-deadline";
import { ENVIRONMENT_NAME_RE, ENVIRONMENT_NAME_RULE } from "./environment-name";

export const HELP = `proxy-core ${PROXY_CORE_VERSION}: Signalbox's Envoy-v3-compatible HTTP proxy worker

Usage:
  proxy-core -c FILE [--admin-address HOST:PORT]
      Run alone from an Envoy v3 bootstrap file (YAML or JSON). SIGHUP reloads the file.
  proxy-core --mode validate -c FILE
      Check the file as \`envoy --mode validate\` does, binding and contacting nothing: prints
      "configuration 'FILE' OK" and exits 0, or prints one line per problem and exits 1.
  proxy-core --control-plane ws://HOST:PORT/ws/worker[,ws://…] [--node-id ID] [--token T] [--admin-address HOST:PORT]
             [--cache-dir DIR] [--node-label K=V ...] [--environment NAME]
      Follow a Signalbox console: receive config snapshots, answer ACK/NACK, stream stats.
  proxy-core route-check --config FILE --tests FILE [--covall] [--details]
      Run route tests in Envoy's router_check_tool format (proxy-core route-check --help).

Options:
  -c, --config-path FILE     Envoy v3 bootstrap (static_resources, admin, node, layered_runtime)
  --mode serve|validate      serve (default) runs the worker; validate only checks the -c file. Deprecated
                             fields are accepted with a warning line each (see docs/ENVOY-SUPPORT.md, Parsing)
  --control-plane URL[,URL]  console WebSocket URL (ws:// or wss://). Several (comma-separated, or the flag
                             repeated): replicas of one console; the worker follows the first, and when its
                             connection fails or drops tries the next at once, backing off only after a full round
  --node-id ID               node id shown by the console (default: the hostname)
  --token T                  the worker token the console gave this node (Nodes → Add node), sent as
                             Authorization: Bearer (default: $PROXY_CORE_TOKEN)
  --node-label K=V           with --control-plane: a label the console shows on the node (repeatable; K and V
                             are 1-63 characters of [A-Za-z0-9._-]); canary publishing selects nodes by them
  --environment NAME         with --control-plane: the console environment the node belongs to (default
                             "default"); it runs that environment's live version. 1-40 characters of
                             [a-z0-9_-]; the console creates the environment on the node's first connection
  --cache-dir DIR            with --control-plane: keep the last applied snapshot in DIR/snapshot.json, and
                             serve it at start until the console answers (a worker started while the console
                             is down serves its last version instead of nothing); one worker per DIR. The
                             file holds the version's TLS secrets, private keys included: it is written 0600
  --admin-address HOST:PORT  admin listener; overrides the bootstrap's admin.address
                             (default 127.0.0.1:9901 with --control-plane, none with -c unless configured)
  --concurrency N|auto       processes serving traffic (default 1). N > 1: a primary process keeps the
                             console connection / config file, the admin listener and the merged stats,
                             and forks N node:cluster workers sharing the listeners; auto (or 0) = one per core
  --drain-time-s N           how long in-flight requests may finish on shutdown/reload (default 5); SIGTERM or
                             SIGINT stops the process within this time plus ${STOP_MARGIN_MS / 1000} s, whatever it is doing
  -l, --log-level LEVEL      trace, debug, info, warning (or warn), error, critical or off (default info)
  --log-path FILE            append log lines to FILE instead of writing them to stderr (lines that cannot be
                             written are dropped and counted in the server.log_dropped_lines stat)
  -h, --help                 show this help
  --version                  print the version
`;

/** Envoy's --mode values Signalbox implements (init_only is refused). */
export type CliMode = "serve" | "validate";

export interface CliOptions {
  config?: string;
  mode: CliMode;
  /** --control-plane: the console's WebSocket URLs, in the order tried (replicas of one console) */
  controlPlane?: string[];
  cacheDir?: string;
  nodeId?: string;
  /** --node-label k=v, repeatable: sent to the console in the hello */
  nodeLabels?: Record<string, string>;
  /** --environment: sent to the console in the hello */
  environment?: string;
  token?: string;
  adminAddress?: string;
  concurrency?: string;
  drainS?: number;
  logLevel: LogLevel;
  logPath?: string;
  help?: boolean;
  version?: boolean;
}

/** A command line the CLI refuses; `message` is the one line it prints before exiting 1. */
export class CliUsageError extends Error {}

const SPEC = {
  "config-path": { type: "string", short: "c" },
  mode: { type: "string" },
  "control-plane": { type: "string", multiple: true },
  "cache-dir": { type: "string" },
  "node-id": { type: "string" },
  "node-label": { type: "string", multiple: true },
  environment: { type: "string" },
  token: { type: "string" },
  "admin-address": { type: "string" },
  concurrency: { type: "string" },
  "drain-time-s": { type: "string" },
  "log-level": { type: "string", short: "l" },
  "log-path": { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
} as const;

type Name = keyof typeof SPEC;

/** Label keys and values: short, and safe in a selector and a URL (Kubernetes-like, without the prefix part). */
export const NODE_LABEL_RE = /^[A-Za-z0-9._-]{1,63}$/;

/** `k=v` → [k, v], or a usage error naming the flag. */
export function parseNodeLabel(raw: string): [string, string] {
  const eq = raw.indexOf("=");
  const k = eq < 0 ? raw : raw.slice(0, eq);
  const v = eq < 0 ? "" : raw.slice(eq + 1);
  if (eq < 0 || !NODE_LABEL_RE.test(k) || !NODE_LABEL_RE.test(v))
    throw new CliUsageError(`--node-label must be KEY=VALUE, each 1-63 characters of [A-Za-z0-9._-], got "${raw}"`);
  return [k, v];
}

/** What the ws client dials (it maps http: and https: to ws: and wss:); a fragment it refuses. */
const CONTROL_PLANE_PROTOCOLS = new Set(["ws:", "wss:", "http:", "https:"]);

/**
 * One --control-plane value: a URL, or several separated by commas (replicas of one console, tried in order).
 * A URL the worker could not dial is a usage error naming it, before anything starts.
 */
export function parseControlPlaneUrls(raw: string): string[] {
  return raw.split(",").map((part) => {
    const u = part.trim();
    let url: URL | null = null;
    try {
      url = new URL(u);
    } catch {
      /* reported below */
    }
    if (!url || !CONTROL_PLANE_PROTOCOLS.has(url.protocol) || url.hash !== "")
      throw new CliUsageError(`--control-plane must be ws://HOST:PORT/PATH or wss://… URLs separated by commas, got "${u}"${u !== raw ? ` in "${raw}"` : ""}`);
    return u;
  });
}

/**
 * Parses argv (without node and the script). Accepts `--flag value`, `--flag=value` and `-c value`; a value
 * may start with a dash. Refuses anything else with "unknown option X", like the hand-written parser did:
 * positionals, `--`, and short forms other than a lone `-c`/`-l`/`-h` (no `-cFILE`, no `-hc`).
 */
export function parseCliOptions(argv: string[]): CliOptions {
  // strict: false so that unknown flags come back as tokens and get this CLI's wording, not parseArgs'
  const { tokens } = parseArgs({ args: argv, options: SPEC, strict: false, allowPositionals: true, tokens: true });
  const o: CliOptions = { logLevel: "info", mode: "serve" };
  for (const t of tokens) {
    if (t.kind !== "option") throw new CliUsageError(`unknown option ${argv[t.index]} (see --help)`);
    const isShort = !t.rawName.startsWith("--");
    if (!(t.name in SPEC) || (isShort && argv[t.index] !== t.rawName)) {
      throw new CliUsageError(`unknown option ${isShort ? argv[t.index] : t.rawName} (see --help)`);
    }
    const name = t.name as Name;
    if (SPEC[name].type === "boolean") {
      if (name === "help") o.help = true;
      else o.version = true;
      continue;
    }
    const v = t.value;
    if (v === undefined) throw new CliUsageError(`${t.rawName} needs a value (see --help)`);
    switch (name) {
      case "config-path":
        o.config = v;
        break;
      case "mode":
        if (v !== "serve" && v !== "validate") throw new CliUsageError(`--mode must be serve or validate, got "${v}"${v === "init_only" ? " (init_only is not supported)" : ""}`);
        o.mode = v;
        break;
      case "control-plane":
        (o.controlPlane ??= []).push(...parseControlPlaneUrls(v));
        break;
      case "cache-dir":
        o.cacheDir = v;
        break;
      case "node-id":
        o.nodeId = v;
        break;
      case "node-label": {
        const [k, val] = parseNodeLabel(v);
        (o.nodeLabels ??= {})[k] = val;
        break;
      }
      case "environment":
        if (!ENVIRONMENT_NAME_RE.test(v)) throw new CliUsageError(`--environment must be ${ENVIRONMENT_NAME_RULE}, got "${v}"`);
        o.environment = v;
        break;
      case "token":
        o.token = v;
        break;
      case "admin-address":
        o.adminAddress = v;
        break;
      case "concurrency":
        o.concurrency = v;
        break;
      case "drain-time-s":
        o.drainS = Number(v);
        break;
      case "log-level": {
        const level = parseLogLevel(v);
        if (!level) throw new CliUsageError(`${t.rawName} must be one of ${LOG_LEVELS.join(", ")} (or warning), got "${v}"`);
        o.logLevel = level;
        break;
      }
      case "log-path":
        o.logPath = v;
        break;
    }
  }
  return o;
}
