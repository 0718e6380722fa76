// A byte-for-byte TCP relay between workers and the console's /ws/worker that timestamps, without changing
// anything it forwards, when a snapshot frame starts and ends on its way to a worker and when the worker's ACK
// (or NACK) arrives on its way back. It reads RFC 6455 framing only: the console's WebSocketServer negotiates
// no permessage-deflate and `ws` sends each message as one frame, so a frame's first bytes are the message's
// JSON (`{"type":"snapshot"…`, `{"type":"ack"…`). The relay costs one loopback hop each way (tens of µs).
import net from "node:net";

export interface TapEvent {
  /** performance.now() when the relay saw it */
  t: number;
  node: string;
  kind: "snapshot-start" | "snapshot-end" | "ack" | "nack";
  /** the version id (ack/nack); snapshot frames are not parsed beyond their type */
  version?: string;
  error?: string;
  /** snapshot-end: the frame's payload size */
  bytes?: number;
}

/** Frame reader for one direction; `onFrame` gets the payload only for frames up to `keepUpTo` bytes. */
class FrameReader {
  #head: Buffer = Buffer.alloc(0);
  #http = true;
  #remaining = 0;
  #payload: Buffer[] | null = null;
  #prefix: Buffer = Buffer.alloc(0);
  #length = 0;
  #mask: Buffer | null = null;
  #offset = 0;

  constructor(
    private readonly keepUpTo: number,
    private readonly onStart: (prefix: string) => void,
    private readonly onEnd: (prefix: string, payload: Buffer | null, length: number) => void,
  ) {}

  push(chunk: Buffer) {
    let buf: Buffer = chunk;
    if (this.#http) {
      // the upgrade request / 101 response comes first, up to the blank line
      this.#head = Buffer.concat([this.#head, buf]);
      const end = this.#head.indexOf("\r\n\r\n");
      if (end < 0) return;
      this.#http = false;
      buf = this.#head.subarray(end + 4);
      this.#head = Buffer.alloc(0);
    }
    while (buf.length > 0) {
      if (this.#remaining === 0 && this.#payload === null) {
        this.#head = this.#head.length ? Buffer.concat([this.#head, buf]) : buf;
        const h = this.#header(this.#head);
        if (!h) return void (this.#head = Buffer.from(this.#head));
        buf = this.#head.subarray(h.size);
        this.#head = Buffer.alloc(0);
        this.#remaining = h.length;
        this.#length = h.length;
        this.#mask = h.mask;
        this.#offset = 0;
        this.#prefix = Buffer.alloc(0);
        this.#payload = h.length <= this.keepUpTo ? [] : null;
        if (h.length === 0) {
          this.#finish();
          continue;
        }
      }
      const take = Math.min(this.#remaining, buf.length);
      const part = this.#unmask(buf.subarray(0, take));
      if (this.#prefix.length < 32) {
        const wasShort = this.#prefix.length < 18;
        this.#prefix = Buffer.concat([this.#prefix, part.subarray(0, 32 - this.#prefix.length)]);
        if (wasShort && this.#prefix.length >= 18) this.onStart(this.#prefix.toString("latin1"));
      }
      this.#payload?.push(part);
      this.#remaining -= take;
      buf = buf.subarray(take);
      if (this.#remaining === 0) this.#finish();
    }
  }

  #finish() {
    const prefix = this.#prefix.toString("latin1");
    if (this.#prefix.length < 18) this.onStart(prefix);
    this.onEnd(prefix, this.#payload ? Buffer.concat(this.#payload) : null, this.#length);
    this.#payload = null;
  }

  #unmask(part: Buffer): Buffer {
    if (!this.#mask) return part;
    const out = Buffer.allocUnsafe(part.length);
    for (let i = 0; i < part.length; i++) out[i] = part[i] ^ this.#mask[(this.#offset + i) & 3];
    this.#offset += part.length;
    return out;
  }

  /** RFC 6455 §5.2: 2 bytes, then a 16- or 64-bit length, then the masking key of client frames. */
  #header(b: Buffer): { size: number; length: number; mask: Buffer | null } | null {
    if (b.length < 2) return null;
    const masked = (b[1] & 0x80) !== 0;
    let length = b[1] & 0x7f;
    let size = 2;
    if (length === 126) {
      if (b.length < 4) return null;
      length = b.readUInt16BE(2);
      size = 4;
    } else if (length === 127) {
      if (b.length < 10) return null;
      length = Number(b.readBigUInt64BE(2));
      size = 10;
    }
    if (masked) {
      if (b.length < size + 4) return null;
      return { size: size + 4, length, mask: Buffer.from(b.subarray(size, size + 4)) };
    }
    return { size, length, mask: null };
  }
}

export class WsTap {
  readonly events: TapEvent[] = [];
  #server: net.Server | null = null;
  #sockets = new Set<net.Socket>();
  #waiters: (() => void)[] = [];
  port = 0;

  constructor(private readonly consolePort: number) {}

  async start(): Promise<void> {
    this.#server = net.createServer((worker) => this.#relay(worker));
    await new Promise<void>((r) => this.#server!.listen(0, "127.0.0.1", r));
    this.port = (this.#server.address() as net.AddressInfo).port;
  }

  #relay(worker: net.Socket) {
    const console_ = net.connect(this.consolePort, "127.0.0.1");
    worker.setNoDelay(true);
    console_.setNoDelay(true);
    this.#sockets.add(worker).add(console_);
    // the node id comes with the worker's hello; until then events are filed under the connection
    const conn = { node: "?" };
    const record = (e: Omit<TapEvent, "t" | "node">, t = performance.now()) => {
      this.events.push({ t, node: conn.node, ...e });
      for (const w of this.#waiters.splice(0)) w();
    };
    const up = new FrameReader(64 * 1024, () => {}, (_prefix, payload) => {
      if (!payload) return;
      const t = performance.now();
      let m: { type?: string; nodeId?: string; version?: string; error?: string };
      try {
        m = JSON.parse(payload.toString("utf8"));
      } catch {
        return;
      }
      if (m.type === "hello" && m.nodeId) conn.node = m.nodeId;
      if (m.type === "ack" || m.type === "nack") record({ kind: m.type, version: m.version, error: m.error }, t);
    });
    const down = new FrameReader(0, (prefix) => {
      if (prefix.startsWith('{"type":"snapshot"')) record({ kind: "snapshot-start" });
    }, (prefix, _payload, length) => {
      if (prefix.startsWith('{"type":"snapshot"')) record({ kind: "snapshot-end", bytes: length });
    });
    worker.on("data", (d: Buffer) => {
      console_.write(d);
      up.push(d);
    });
    console_.on("data", (d: Buffer) => {
      worker.write(d);
      down.push(d);
    });
    const close = () => {
      worker.destroy();
      console_.destroy();
      this.#sockets.delete(worker);
      this.#sockets.delete(console_);
    };
    worker.on("close", close).on("error", close);
    console_.on("close", close).on("error", close);
  }

  /** Resolves once `done()` holds, re-checked on every event; rejects after `timeoutMs`. */
  async until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!done()) {
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((r) => (this.#server ? this.#server.close(() => r()) : r()));
  }
}
