// A WebSocket (HTTP/1.1 Upgrade) request forwarded upstream (issue #3 item 7). Envoy proxies upgrades on
// HCMs with `upgrade_configs: [{upgrade_type: websocket}]`: the request goes to the routed host on its own
// TCP connection (not the HTTP pool), the upstream's 101 is relayed, then bytes flow both ways with
// backpressure (pipe) until either side closes. Nothing is buffered beyond the socket buffers.
import net from "node:net";
import type { Stream } from "../http/stream";
import type { Cluster } from "../upstream/cluster";
import type { Host } from "../upstream/host";
import { LocalBodies, resetReply, sendLocalReply } from "./local-reply";

const MAX_RESPONSE_HEAD = 64 * 1024;
const SKIP_RESPONSE = new Set(["keep-alive", "proxy-connection", "server"]);

export class UpgradeRequest {
  #upstream: net.Socket | null = null;
  #done = false;

  constructor(
    readonly stream: Stream,
    readonly cluster: Cluster,
    readonly host: Host,
    readonly connectTimeoutMs = 5000,
  ) {}

  start() {
    const s = this.stream;
    const up = s.upgrade!;
    const down = up.socket;
    const upstream = net.connect({ host: this.host.address, port: this.host.port, noDelay: true });
    this.#upstream = upstream;
    this.host.stats.rq_total++;
    this.cluster.stats.c.upstream_rq_total.inc();
    const connectTimer = setTimeout(() => this.#fail(Object.assign(new Error("connect timeout"), { code: "UND_ERR_CONNECT_TIMEOUT" }), false), this.connectTimeoutMs);
    let connected = false;
    upstream.once("connect", () => {
      connected = true;
      clearTimeout(connectTimer);
      const lines = [`${s.req.method} ${s.req.url} HTTP/1.1`];
      for (let i = 0; i < s.headers.length; i += 2) lines.push(`${s.headers[i]}: ${s.headers[i + 1]}`);
      lines.push(`connection: upgrade`, `upgrade: ${s.req.headers.upgrade}`);
      upstream.write(lines.join("\r\n") + "\r\n\r\n");
      if (up.head.length) upstream.write(up.head);
    });
    upstream.on("error", (err) => this.#fail(err, connected));
    down.on("error", () => this.#close());
    // Envoy's stream idle timeout applies to the upgraded stream too
    if (s.hcm.timeouts.streamIdleMs > 0) {
      down.setTimeout(s.hcm.timeouts.streamIdleMs);
      down.once("timeout", () => {
        s.hcm.stats.c.downstream_rq_idle_timeout.inc();
        this.#close();
      });
    }
    down.once("close", () => this.#close());
    // read the upstream's response head; everything after it is relayed raw
    let head: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = head.length ? Buffer.concat([head, chunk]) : chunk;
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) {
        if (head.length > MAX_RESPONSE_HEAD) this.#fail(Object.assign(new Error("response head too large"), { code: "HPE_HEADER_OVERFLOW" }), true);
        return;
      }
      upstream.off("data", onData);
      upstream.pause();
      this.#onResponseHead(head.subarray(0, end).toString("latin1"), head.subarray(end + 4));
    };
    upstream.on("data", onData);
  }

  #onResponseHead(text: string, rest: Buffer) {
    const s = this.stream;
    const down = s.upgrade!.socket;
    const upstream = this.#upstream!;
    const [statusLine, ...headerLines] = text.split("\r\n");
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
    if (!m) return this.#fail(Object.assign(new Error("bad status line"), { code: "HPE_INVALID_CONSTANT" }), true);
    const status = Number(m[1]);
    this.#done = true;
    this.cluster.stats.chargeResponse(status);
    if (status < 400) this.host.stats.rq_success++;
    else this.host.stats.rq_error++;
    const out: string[] = [];
    let chunked = false;
    for (const line of headerLines) {
      const i = line.indexOf(":");
      if (i <= 0) continue;
      const name = line.slice(0, i).trim();
      const lower = name.toLowerCase();
      if (SKIP_RESPONSE.has(lower)) continue;
      // node would chunk-frame res.end() itself; a chunked body of a refused upgrade is dropped (rare)
      if (lower === "transfer-encoding") {
        chunked = true;
        continue;
      }
      out.push(name, line.slice(i + 1).trim());
    }
    out.push("server", s.hcm.serverName);
    const res = s.res;
    if (status === 101) {
      s.hcm.stats.c.downstream_cx_upgrades_total.inc();
      s.hcm.stats.g.downstream_cx_upgrades_active.inc();
      down.once("close", () => s.hcm.stats.g.downstream_cx_upgrades_active.dec());
    }
    // the head goes through the ServerResponse (stats, date); the body/frames bypass it
    res.writeHead(status, out);
    res.end();
    if (status !== 101 && chunked) return this.#close();
    if (rest.length) down.write(rest);
    if (status !== 101) {
      // a refused upgrade: relay the upstream's body as it comes, then close (no reuse of this connection)
      upstream.pipe(down);
      upstream.resume();
      return;
    }
    upstream.pipe(down);
    down.pipe(upstream);
    upstream.resume();
    down.resume();
    upstream.once("close", () => this.#close());
  }

  #fail(err: Error & { code?: string }, connected: boolean) {
    if (this.#done) return this.#close();
    this.#done = true;
    this.host.stats.rq_error++;
    const { status, body } = resetReply(err, connected);
    this.cluster.stats.chargeResponse(status);
    this.#upstream?.destroy();
    const res = this.stream.res;
    res.shouldKeepAlive = false;
    sendLocalReply(res, this.stream.hcm.serverName, status, status === 503 && !connected ? body : body || LocalBodies.connectionTermination);
    res.once("finish", () => this.stream.upgrade!.socket.end());
  }

  #close() {
    this.#done = true;
    this.#upstream?.destroy();
    const down = this.stream.upgrade!.socket;
    if (!down.destroyed) down.destroy();
  }
}
