// Differential test of the worker's HTTP/1.1 request handling against a plain node:http server (the oracle): 10,000
// seeded request streams, valid and malformed (http1-generator.ts), each split at random points, go (a) to the
// oracle, which reads every request to its end, and (b) through the worker to the raw upstream, whose strict
// parser says what the worker really sent. Both must refuse, or both accept the same requests: same method,
// target, body and end-to-end headers (what the worker adds or strips by design is ignored). Disagreements are
// grouped into classes; only the documented classes below may occur. Replay one run with H1_DIFF_SEED=<seed>.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { headerValues, type WireMessage } from "../kit/http1-wire";
import { rawExchange, splitBytes } from "../kit/raw-http";
import { sleep } from "../kit/wait";
import { genCase, type GenCase } from "./http1-generator";
import { startH1Rig, type H1Rig } from "./http1-kit";

const CASES = 10_000;
const CONCURRENCY = 32;
const SEED = Number(process.env.H1_DIFF_SEED ?? 0x5eed_0001);
/** the worker's default max_request_headers_kb (60), which the oracle must share */
const MAX_HEADER_BYTES = 60 * 1024;

/** one request as either side saw it */
interface Seen {
  method: string;
  target: string;
  body: string;
  /** end-to-end field lines, `name: value`, names lower-cased, in order */
  headers: string[];
}

interface Verdict {
  requests: Seen[];
  /** the oracle's parser error code, or the worker's first non-200 status */
  refused: string | null;
}

// what the worker adds or strips by design (Envoy's HCM): hop-by-hop fields, forwarding headers, framing
const IGNORED = new Set(["connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "expect", "http2-settings", "content-length", "x-forwarded-for", "x-forwarded-proto", "x-request-id"]);

/**
 * The end-to-end field lines, sorted by name: the order of fields with different names carries no meaning (RFC 9110
 * §5.3) and undici writes Host first; the order of same-named fields does, and a stable sort keeps it.
 */
function endToEnd(fields: [string, string][], connectionTokens: string[]): string[] {
  const kept = fields.filter(([n]) => !IGNORED.has(n) && !n.startsWith("x-envoy-") && !connectionTokens.includes(n));
  return kept.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([n, v]) => `${n}: ${v}`);
}

const tokensOf = (values: string[]) => values.flatMap((v) => v.toLowerCase().split(",").map((t) => t.trim()));

// ---- the oracle: node:http with the worker's header limit, one verdict per client connection

interface OracleConn {
  socket: net.Socket;
  requests: Seen[];
  error: string | null;
  closed: boolean;
}

let oracle: http.Server;
let oraclePort = 0;
const oracleConns = new Map<number, OracleConn>();

/** Every response node writes, its own refusals (a missing Host → 400) too: a status other than 200 is a refusal. */
class OracleResponse extends http.ServerResponse {
  constructor(req: http.IncomingMessage) {
    super(req);
    // prefinish: emitted from end() itself for the connection's current response, no write callback to wait for
    this.once("prefinish", () => {
      const c = oracleConns.get(req.socket.remotePort ?? 0);
      if (c && c.error === null && this.statusCode !== 200) c.error = `status ${this.statusCode}`;
    });
  }
}

function startOracle(): Promise<void> {
  oracle = http.createServer({ maxHeaderSize: MAX_HEADER_BYTES, ServerResponse: OracleResponse });
  oracle.on("connection", (socket: net.Socket) => {
    const c: OracleConn = { socket, requests: [], error: null, closed: false };
    oracleConns.set(socket.remotePort ?? 0, c);
    socket.on("close", () => (c.closed = true));
  });
  oracle.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    const c = oracleConns.get(req.socket.remotePort ?? 0)!;
    const chunks: Buffer[] = [];
    req.on("data", (d: Buffer) => chunks.push(d));
    req.on("end", () => {
      const fields: [string, string][] = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) fields.push([req.rawHeaders[i].toLowerCase(), req.rawHeaders[i + 1]]);
      const conn = tokensOf(fields.filter(([n]) => n === "connection").map(([, v]) => v));
      c.requests.push({ method: req.method ?? "", target: req.url ?? "", body: Buffer.concat(chunks).toString("latin1"), headers: endToEnd(fields, conn) });
      res.writeHead(200, { "content-length": "2" }).end("ok");
    });
  });
  oracle.on("clientError", (err: Error & { code?: string }, socket: net.Socket) => {
    const c = oracleConns.get(socket.remotePort ?? 0);
    if (c && c.error === null) c.error = err.code ?? err.message;
    socket.destroy();
  });
  return new Promise((r) =>
    oracle.listen(0, "127.0.0.1", () => {
      oraclePort = (oracle.address() as AddressInfo).port;
      r();
    }),
  );
}

/** Writes the case to the oracle and waits until its parser has consumed every byte (or refused, or closed). */
async function askOracle(c: GenCase): Promise<Verdict> {
  const s = net.connect({ port: oraclePort, host: "127.0.0.1", noDelay: true });
  s.on("error", () => {});
  await new Promise<void>((r) => s.once("connect", () => r()));
  const port = s.localPort ?? 0;
  for (const [i, p] of splitBytes(c.bytes, c.splitAt).entries()) {
    if (s.destroyed) break;
    s.write(p);
    if (i < c.splitAt.length) await new Promise((r) => setImmediate(r));
  }
  const deadline = Date.now() + 5000;
  // node's parser runs in the read callback that counts the bytes: once they are all counted, they are parsed
  for (;;) {
    const conn = oracleConns.get(port);
    if (conn && (conn.error !== null || conn.closed || conn.socket.bytesRead >= c.bytes.length)) break;
    if (Date.now() > deadline) break;
    await sleep(1);
  }
  await sleep(5); // request bodies end on a later tick
  const conn = oracleConns.get(port);
  oracleConns.delete(port);
  s.destroy();
  return { requests: conn?.requests ?? [], refused: conn?.error ?? null };
}

// ---- the worker, to the raw upstream

let rig: H1Rig;

/** Sends the case through the worker; its forwarded requests are collected from the upstream afterwards. */
async function askWorker(c: GenCase, expectResponses: number): Promise<string | null> {
  const r = await rawExchange(rig.h.port, c.bytes, { splitAt: c.splitAt, responses: expectResponses || undefined, idleMs: 150, timeoutMs: 5000 });
  const refused = r.responses.find((m) => m.status !== 200);
  return refused ? String(refused.status) : null;
}

function upstreamSeen(m: WireMessage): Seen {
  return { method: m.method, target: m.target, body: m.body.toString("latin1"), headers: endToEnd(m.headers, []) };
}

// ---- classes of disagreement

interface Disagreement {
  case: GenCase;
  kind: string;
  oracle: Verdict;
  worker: Verdict;
}

function classify(o: Verdict, w: Verdict): string | null {
  if ((o.refused === null) !== (w.refused === null) && o.requests.length === w.requests.length)
    return o.refused === null ? `worker refuses (${w.refused}), oracle accepts` : `oracle refuses (${o.refused}), worker accepts`;
  if (o.requests.length !== w.requests.length) return `oracle forwards ${o.requests.length} request(s), worker ${w.requests.length} (worker ${w.refused ?? "accepts"})`;
  for (const [i, a] of o.requests.entries()) {
    const b = w.requests[i];
    for (const k of ["method", "target", "body"] as const) if (a[k] !== b[k]) return `different ${k}`;
    if (JSON.stringify(a.headers) !== JSON.stringify(b.headers)) return "different end-to-end headers";
  }
  return null;
}

/**
 * The documented classes: where the worker departs from a plain node:http server on purpose or as Envoy does,
 * each recognised by the request that causes it, not by its symptom alone.
 */
const EXPLAINED: { why: string; test: (d: Disagreement) => boolean }[] = [
  {
    // asterisk-form ("*") matches no `prefix: /` route → 404 before any body is read, as Envoy's router answers
    why: "a target that is neither origin- nor absolute-form matches no route: the worker answers 404",
    test: (d) => d.worker.refused === "404" && !firstTarget(d.case).startsWith("/") && !/^https?:\/\//i.test(firstTarget(d.case)),
  },
  {
    // absolute-form (RFC 9112 §3.2.2) is routed by its path with the authority as Host, as Envoy does; node:http
    // hands the oracle the absolute URL as it came
    why: "absolute-form: the worker forwards its path, with the authority as Host",
    test: (d) => /^https?:\/\//i.test(firstTarget(d.case)) && d.worker.requests.every((r) => r.target.startsWith("/")),
  },
  {
    // RFC 9112 §3.2: more than one Host is a 400, which the worker answers as Envoy's codec does; node passes both
    why: "two Host fields: the worker refuses the request (400)",
    test: (d) => d.worker.refused !== null && twoHosts(d.case) && d.worker.requests.length < Math.max(1, d.oracle.requests.length),
  },
  {
    // Envoy's codec takes HTTP/1.x only; llhttp also takes HTTP/0.9 request lines (no version) and other majors
    why: "a request line without HTTP/1.x: the worker refuses it (400)",
    test: (d) => d.worker.refused === "400" && !/ HTTP\/1\.\d\r?$/.test(firstLine(d.case)),
  },
  {
    // a fragment is not part of a request-target (RFC 9112 §3.2, RFC 3986 §3.5): Envoy refuses it, node passes it
    why: "a fragment (`#`) in the target: the worker refuses it (400)",
    test: (d) => d.worker.refused === "400" && firstTarget(d.case).includes("#"),
  },
  {
    // Envoy decodes no transfer-coding but `chunked` alone (codec_impl.cc: 501); node:http takes a list ending in it
    why: "a transfer-coding other than `chunked` alone: the worker answers 501",
    test: (d) => d.worker.refused === "501" && /transfer-encoding[ \t]*:(?![ \t]*chunked[ \t]*\r?\n)/i.test(d.case.bytes.toString("latin1")),
  },
  {
    // RFC 9112 §9.6: after a request with `Connection: close` the server reads no further. The oracle (node:http,
    // no clientError listener) drops the connection on the bytes that follow; the worker serves the request first
    why: "bytes after a `Connection: close` request: the worker serves that request and ignores them",
    test: (d) => d.oracle.refused === "HPE_CLOSED_CONNECTION" && /connection:[ \t]*close/i.test(d.case.bytes.toString("latin1")) && d.worker.requests.length >= d.oracle.requests.length,
  },
  {
    // RFC 9112 §3.2: an HTTP/1.1 request must carry Host. For an HTTP/1.0 request without one, undici writes the
    // upstream's own address (its origin) as Host; Envoy, which refuses HTTP/1.0 unless accept_http_10, would use
    // default_host_for_http_10. Nothing else differs.
    why: "an HTTP/1.0 request without Host gets the upstream's address as Host",
    test: (d) => d.oracle.requests.length === d.worker.requests.length && d.oracle.requests.every((o, i) => matches(o, d.worker.requests[i])),
  },
  {
    // node:http answers an HTTP/1.1 request without Host with its own 400 + close yet goes on emitting the requests
    // pipelined after it: the oracle serves them; the worker forwards none after a response that closes
    why: "requests pipelined after node's own 400 for a missing Host: the oracle serves them, the worker does not",
    test: (d) => d.oracle.refused === "status 400" && d.worker.refused === "400" && d.worker.requests.every((w, i) => d.oracle.requests[i] !== undefined && matches(d.oracle.requests[i], w)),
  },
];

/** The case's first request line. */
function firstLine(c: GenCase): string {
  return c.bytes.toString("latin1").split(/\n/)[0];
}

/** The same request, or the same but for the Host undici adds for the upstream's origin when the client sent none. */
function matches(o: Seen, w: Seen): boolean {
  if (JSON.stringify(o) === JSON.stringify(w)) return true;
  if (o.headers.some((h) => h.startsWith("host:"))) return false;
  return JSON.stringify({ ...w, headers: w.headers.filter((h) => !/^host: 127\.0\.0\.1:\d+$/.test(h)) }) === JSON.stringify(o);
}

/** The request-target of the case's first request line. */
function firstTarget(c: GenCase): string {
  return c.bytes.toString("latin1").split(/\r?\n|\r/)[0].split(" ")[1] ?? "";
}

function twoHosts(c: GenCase): boolean {
  return (c.bytes.toString("latin1").match(/(^|\n)host[ \t]*:/gim) ?? []).length > 1;
}

describe("differential: the worker vs a plain node:http server", () => {
  beforeAll(async () => {
    rig = await startH1Rig();
    await startOracle();
  });
  afterAll(async () => {
    await rig?.close();
    oracle?.closeAllConnections();
    await new Promise<void>((r) => (oracle ? oracle.close(() => r()) : r()));
  });

  it(`${CASES} seeded request streams get the same verdict (seed ${SEED})`, { timeout: 120_000 }, async () => {
    const results: { c: GenCase; o: Verdict; workerRefused: string | null }[] = [];
    let next = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < CASES) {
          const c = genCase(SEED, next++);
          const o = await askOracle(c);
          const workerRefused = await askWorker(c, o.requests.length + (o.refused === null ? 0 : 1));
          results.push({ c, o, workerRefused });
        }
      }),
    );
    await sleep(300); // a request the worker would smuggle arrives after the responses
    const byCase = new Map<number, WireMessage[]>();
    const untagged: WireMessage[] = [];
    for (const m of rig.u.requests()) {
      const tag = headerValues(m, "x-case");
      if (tag.length !== 1 || !/^\d+$/.test(tag[0])) untagged.push(m);
      else byCase.set(Number(tag[0]), [...(byCase.get(Number(tag[0])) ?? []), m]);
    }
    const disagreements: Disagreement[] = [];
    for (const { c, o, workerRefused } of results) {
      // the worker must have stripped what the client's Connection named: nothing is filtered for it here
      const w: Verdict = { requests: (byCase.get(c.id) ?? []).map(upstreamSeen), refused: workerRefused };
      const kind = classify(o, w);
      if (kind !== null) disagreements.push({ case: c, kind, oracle: o, worker: w });
    }
    const unexplained = disagreements.filter((d) => !EXPLAINED.some((e) => e.test(d)));
    const accepted = results.filter((x) => x.o.refused === null && x.o.requests.length > 0).length;
    const refused = results.filter((x) => x.o.refused !== null).length;
    const coverage = `oracle: ${accepted} accepted, ${refused} refused, ${CASES - accepted - refused} incomplete`;
    const report = `${summarize(disagreements, unexplained, Date.now() - started)}\n${coverage}`;
    console.log(report);
    expect(rig.u.errors(), `the worker sent bytes a strict parser refuses (seed ${SEED})`).toEqual([]);
    expect(untagged.map((m) => `${m.method} ${m.target}`), `requests without their x-case tag reached the upstream (seed ${SEED})`).toEqual([]);
    expect(unexplained.length, `unexplained disagreements (seed ${SEED}):\n${report}`).toBe(0);
    // the generator must keep exercising both sides of the verdict, or agreement means little
    expect(accepted).toBeGreaterThan(CASES / 4);
    expect(refused).toBeGreaterThan(CASES / 10);
  });
});

function summarize(all: Disagreement[], unexplained: Disagreement[], ms: number): string {
  const classes = new Map<string, Disagreement[]>();
  for (const d of all) {
    const why = EXPLAINED.find((e) => e.test(d))?.why ?? `UNEXPLAINED: ${d.kind}`;
    classes.set(why, [...(classes.get(why) ?? []), d]);
  }
  const lines = [`differential: ${CASES} cases in ${ms} ms, seed ${SEED}: ${all.length} disagreement(s), ${unexplained.length} unexplained`];
  for (const [why, ds] of classes) {
    const d = ds[0];
    lines.push(`- ${why}: ${ds.length} case(s); e.g. case ${d.case.id} [${d.case.mutations.join(", ")}] ${JSON.stringify(d.case.bytes.toString("latin1").slice(0, 300))}`);
    lines.push(`    oracle: ${JSON.stringify(d.oracle).slice(0, 400)}`);
    lines.push(`    worker: ${JSON.stringify(d.worker).slice(0, 400)}`);
  }
  return lines.join("\n");
}
