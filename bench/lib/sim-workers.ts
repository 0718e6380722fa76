// Simulated workers for the replicas benchmark (bench/lib/replicas-bench.ts): many lightweight WebSocket clients
// in this one process, each speaking the worker side of the console protocol (proxy-core/src/protocol.ts) as
// proxy-core/src/xds/client.ts does: hello with its nodeId, then for every snapshot parse the JSON and answer an
// ACK with the snapshot's version and nonce (secrets sets get a secrets_ack). Nothing is applied: the bench measures
// the consoles, and a real worker's apply is measured by the publish bench.
//
// Runs as its own process (`node --import tsx bench/lib/sim-workers.ts`) so its event loop is not the bench's, and
// reports on stdout, one JSON object per line. Timestamps are CLOCK_MONOTONIC (process.hrtime), which every
// process on the host shares, so the bench can subtract its own POST start from them. The clients of each replica
// run on a thread of their own: parsing one replica's 25 snapshots (1.3 MiB each at 10,000 routes) must not delay
// when the other replica's snapshots are seen to arrive, as two sets of hosts would not.
//
// Configuration (JSON in SIM_WORKERS): { token, nodes: [{ id, url, replica }] }.
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { WebSocket } from "ws";
import { ConsoleToWorker, PROTOCOL_VERSION, type AckMessage, type HelloMessage, type SecretsAckMessage } from "../../proxy-core/src/protocol";

export interface SimNode {
  id: string;
  /** ws://host:port/ws/worker of the replica it connects to */
  url: string;
  /** the replica's id, echoed in every report */
  replica: string;
}

export interface SimConfig {
  token: string;
  nodes: SimNode[];
}

/** One line on stdout. Times are ms on CLOCK_MONOTONIC (Number(process.hrtime.bigint()) / 1e6). */
export type SimEvent =
  | { ev: "open"; node: string; replica: string; t: number }
  /** a snapshot arrived (t: the whole message received), was parsed, and its ACK was handed to the socket (ackT) */
  | { ev: "ack"; node: string; replica: string; version: string; t: number; ackT: number; bytes: number }
  | { ev: "close"; node: string; replica: string; t: number; code: number; reason: string }
  | { ev: "error"; node: string; replica: string; t: number; message: string };

const now = () => Number(process.hrtime.bigint()) / 1e6;
/** from a client thread to the main thread, which writes it to stdout */
const emit = (e: SimEvent) => parentPort!.postMessage(JSON.stringify(e));
const RECONNECT_MS = 1000;

function connect(node: SimNode, token: string): void {
  const ws = new WebSocket(node.url, { headers: { authorization: `Bearer ${token}` }, perMessageDeflate: false });
  let applied: string | null = null;
  ws.on("open", () => {
    emit({ ev: "open", node: node.id, replica: node.replica, t: now() });
    const hello: HelloMessage = { type: "hello", protocol: PROTOCOL_VERSION, nodeId: node.id, appliedVersion: applied, admin: `sim:${node.id}` };
    ws.send(JSON.stringify(hello));
  });
  ws.on("message", (data: Buffer) => {
    const t = now();
    const parsed = ConsoleToWorker.safeParse(JSON.parse(data.toString()));
    if (!parsed.success) {
      emit({ ev: "error", node: node.id, replica: node.replica, t, message: `not a console message: ${parsed.error.issues[0]?.message}` });
      return;
    }
    const msg = parsed.data;
    if (msg.type === "secrets") {
      const reply: SecretsAckMessage = { type: "secrets_ack", version: msg.version };
      ws.send(JSON.stringify(reply));
      return;
    }
    const ack: AckMessage = { type: "ack", version: msg.version, nonce: msg.nonce };
    ws.send(JSON.stringify(ack));
    applied = msg.version;
    emit({ ev: "ack", node: node.id, replica: node.replica, version: msg.version, t, ackT: now(), bytes: data.length });
  });
  ws.on("error", (e) => emit({ ev: "error", node: node.id, replica: node.replica, t: now(), message: e.message }));
  // a real worker reconnects; so does this one, and the bench counts the close as a failure of the run
  ws.on("close", (code, reason) => {
    emit({ ev: "close", node: node.id, replica: node.replica, t: now(), code, reason: reason.toString() });
    if (!stopping) setTimeout(() => connect(node, token), RECONNECT_MS);
  });
  sockets.add(ws);
  ws.once("close", () => sockets.delete(ws));
}

const sockets = new Set<WebSocket>();
let stopping = false;

if (!isMainThread) {
  const config = workerData as SimConfig;
  for (const n of config.nodes) connect(n, config.token);
  parentPort!.on("message", (m: unknown) => {
    if (m !== "stop") return;
    stopping = true;
    for (const ws of sockets) ws.close(1001, "bench done");
  });
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const config = JSON.parse(process.env.SIM_WORKERS ?? "null") as SimConfig | null;
  if (!config) throw new Error("SIM_WORKERS (JSON: {token, nodes}) is required");
  const threads = [...new Set(config.nodes.map((n) => n.replica))].map((replica) => {
    // a worker thread does not inherit tsx's loader from --import on Node 20: it registers it before loading this file
    const boot = `import("tsx/esm/api").then((t) => t.tsImport(${JSON.stringify(import.meta.url)}, ${JSON.stringify(import.meta.url)}))`;
    const w = new Worker(boot, { eval: true, workerData: { token: config.token, nodes: config.nodes.filter((n) => n.replica === replica) } satisfies SimConfig });
    w.on("message", (line: string) => process.stdout.write(line + "\n"));
    w.on("error", (e) => {
      console.error(`simulated workers of replica ${replica}: ${e.stack ?? e.message}`);
      process.exit(1);
    });
    return w;
  });
  process.on("SIGTERM", () => {
    for (const w of threads) w.postMessage("stop");
    setTimeout(() => process.exit(0), 500).unref();
  });
}
