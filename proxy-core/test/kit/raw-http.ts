// Raw HTTP/1.1 over TCP for conformance tests: a client that writes exact bytes (split where the test says, with
// pauses between the pieces) and reads what comes back, and an upstream that records the exact bytes it receives
// and answers each request it can frame with a fixed 200 (Content-Length, keep-alive). Neither uses node:http, so
// the bytes on both sides are the ones the proxy really wrote and read.
import net from "node:net";
import type { AddressInfo } from "node:net";
import { parseWire, type WireMessage, type WireParse } from "./http1-wire";

export interface RawReply {
  /** every byte received */
  data: Buffer;
  /** the responses those bytes hold (strictly parsed) */
  responses: WireMessage[];
  /** set when the bytes received are not valid responses */
  error: string | null;
  /** the peer closed the connection (FIN or reset) before the client gave up */
  closed: boolean;
}

export interface RawOptions {
  /** byte offsets to split the request bytes at; each piece is a separate write */
  splitAt?: number[];
  /** pause between pieces (default: none, but each piece is a separate write on a no-delay socket) */
  pauseMs?: number;
  /** stop once this many complete responses arrived */
  responses?: number;
  /** stop when nothing arrived for this long after the last write (default 300 ms) */
  idleMs?: number;
  /** hard limit (default 5 s) */
  timeoutMs?: number;
  /** which responses answer HEAD (no body) */
  noBodyFor?: (i: number) => boolean;
  /** called with the client's local port once connected (before the first write) */
  onConnect?: (localPort: number) => void;
}

/** The pieces `bytes` is written in: split at the given offsets (sorted, deduplicated, inside the buffer). */
export function splitBytes(bytes: Buffer, at: number[] = []): Buffer[] {
  const cuts = [...new Set(at.filter((o) => o > 0 && o < bytes.length))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const c of cuts) {
    out.push(bytes.subarray(prev, c));
    prev = c;
  }
  out.push(bytes.subarray(prev));
  return out;
}

/** Connects to 127.0.0.1:`port`, writes `bytes` and collects the reply until close, enough responses, idle or timeout. */
export function rawExchange(port: number, bytes: Buffer | string, opts: RawOptions = {}): Promise<RawReply> {
  const buf = typeof bytes === "string" ? Buffer.from(bytes, "latin1") : bytes;
  const pieces = splitBytes(buf, opts.splitAt);
  const idleMs = opts.idleMs ?? 300;
  return new Promise((resolve) => {
    const s = net.connect({ port, host: "127.0.0.1", noDelay: true });
    const chunks: Buffer[] = [];
    let closed = false;
    let written = false;
    let done = false;
    let idle: NodeJS.Timeout | null = null;
    const parse = (): WireParse => parseWire(Buffer.concat(chunks), "response", { noBodyFor: opts.noBodyFor, closed });
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(hard);
      if (idle) clearTimeout(idle);
      s.destroy();
      const p = parse();
      resolve({ data: Buffer.concat(chunks), responses: p.messages, error: p.error, closed });
    };
    const hard = setTimeout(finish, opts.timeoutMs ?? 5000);
    const armIdle = () => {
      if (!written) return;
      if (idle) clearTimeout(idle);
      idle = setTimeout(finish, idleMs);
    };
    s.on("data", (d: Buffer) => {
      chunks.push(d);
      if (opts.responses !== undefined && parse().messages.length >= opts.responses) return finish();
      armIdle();
    });
    s.on("error", () => {});
    s.on("close", () => {
      closed = true;
      finish();
    });
    s.on("connect", async () => {
      opts.onConnect?.(s.localPort ?? 0);
      for (const [i, p] of pieces.entries()) {
        if (s.destroyed) return;
        s.write(p);
        if (i < pieces.length - 1) await new Promise((r) => (opts.pauseMs ? setTimeout(r, opts.pauseMs) : setImmediate(r)));
      }
      written = true;
      armIdle();
    });
  });
}

export interface RawUpstreamConnection {
  /** every byte received on this connection, in order */
  bytes: Buffer;
  /** the requests those bytes hold, strictly parsed */
  requests: WireMessage[];
  /** set when the bytes are not valid requests (the connection is then closed) */
  error: string | null;
  closed: boolean;
}

export interface RawUpstream {
  port: number;
  server: net.Server;
  connections: RawUpstreamConnection[];
  /** every complete request on every connection, in arrival order */
  requests(): WireMessage[];
  /** the parse errors seen (the proxy sent something a strict parser refuses) */
  errors(): string[];
  close(): Promise<void>;
}

export interface RawUpstreamOptions {
  /** the body of every 200 (default "ok") */
  body?: string;
  /** how long to hold each answer back (default: none) */
  delayMs?: (req: WireMessage) => number;
  /** called for each complete request as it arrives */
  onRequest?: (req: WireMessage, conn: RawUpstreamConnection) => void;
}

/** A TCP upstream that keeps every byte it gets and answers each complete request with a fixed 200 (keep-alive). */
export async function startRawUpstream(opts: RawUpstreamOptions = {}): Promise<RawUpstream> {
  const body = opts.body ?? "ok";
  const connections: RawUpstreamConnection[] = [];
  const all: WireMessage[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    const chunks: Buffer[] = [];
    let pending: Buffer = Buffer.alloc(0);
    const conn: RawUpstreamConnection = {
      get bytes() {
        return Buffer.concat(chunks);
      },
      requests: [],
      error: null,
      closed: false,
    };
    connections.push(conn);
    sockets.add(s);
    s.setNoDelay(true);
    s.on("error", () => {});
    s.on("close", () => {
      conn.closed = true;
      sockets.delete(s);
    });
    // the bytes after the last complete request are framed again as more arrive (a connection the worker keeps
    // alive carries thousands of requests: never the whole history)
    s.on("data", (d: Buffer) => {
      chunks.push(d);
      pending = pending.length === 0 ? d : Buffer.concat([pending, d]);
      const p = parseWire(pending, "request");
      pending = Buffer.from(p.rest);
      for (const req of p.messages) {
        conn.requests.push(req);
        all.push(req);
        opts.onRequest?.(req, conn);
        const payload = req.method === "HEAD" ? "" : body;
        const answer = `HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: keep-alive\r\n\r\n${payload}`;
        const delay = opts.delayMs?.(req) ?? 0;
        if (delay > 0) setTimeout(() => s.writable && s.write(answer), delay);
        else s.write(answer);
      }
      if (p.error !== null && conn.error === null) {
        conn.error = p.error;
        s.destroy();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as AddressInfo).port,
    server,
    connections,
    requests: () => all,
    errors: () => connections.flatMap((c) => (c.error === null ? [] : [c.error])),
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
