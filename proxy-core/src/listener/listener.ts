// One bound listener: a node:http server whose request handler always reads the *current*
// ConnectionManager, so a config swap is one field assignment: new requests use the new route table and
// clusters while in-flight ones finish on the objects they started with.
import http from "node:http";
import type { Socket } from "node:net";
import type { Listener as ListenerConfig } from "../config/schema";
import type { ConnectionManager } from "../http/connection-manager";
import type { Counter, Gauge, StatsStore } from "../stats/store";
import { sanitizeStatName } from "../stats/store";

// Envoy's default max_request_headers_kb is 60 (node's default is 16)
const MAX_HEADER_BYTES = 60 * 1024;

const kCx = Symbol("signalbox.cx");
type TrackedSocket = Socket & { [kCx]?: Gauge };

export class Listener {
  readonly server: http.Server;
  hcm: ConnectionManager;
  config: ListenerConfig;
  #cxTotal: Counter | null = null;
  #store: StatsStore;
  #closing = false;

  constructor(config: ListenerConfig, hcm: ConnectionManager, store: StatsStore) {
    this.config = config;
    this.hcm = hcm;
    this.#store = store;
    this.server = http.createServer({ maxHeaderSize: MAX_HEADER_BYTES, keepAliveTimeout: 60_000, requestTimeout: 300_000 });
    this.server.on("request", (req, res) => this.hcm.handle(req, res));
    this.server.on("connection", (socket: TrackedSocket) => this.#onConnection(socket));
    this.server.on("clientError", onClientError);
    // node's `clientError` handler needs the HCM for server_name and stats
    (this.server as http.Server & { [kListener]?: Listener })[kListener] = this;
  }

  get key(): string {
    const sa = this.config.address.socket_address;
    return `${sa.address}:${sa.port_value}`;
  }

  /** The bound address, e.g. 127.0.0.1:8080 (real port when configured with 0). */
  get boundAddress(): string {
    const a = this.server.address();
    if (a && typeof a === "object") return `${a.address}:${a.port}`;
    return this.key;
  }

  get port(): number {
    const a = this.server.address();
    return a && typeof a === "object" ? a.port : this.config.address.socket_address.port_value;
  }

  listen(): Promise<void> {
    const sa = this.config.address.socket_address;
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once("error", onError);
      this.server.listen({ host: sa.address, port: sa.port_value, exclusive: true }, () => {
        this.server.off("error", onError);
        this.server.on("error", () => {}); // runtime socket errors are per connection; never crash
        this.#cxTotal = this.#store.counter(`listener.${sanitizeStatName(this.boundAddress)}.downstream_cx_total`);
        resolve();
      });
    });
  }

  /** Stop accepting; close idle keep-alive connections now and force the rest after `drainMs`. */
  close(drainMs: number): Promise<void> {
    if (this.#closing) return Promise.resolve();
    this.#closing = true;
    return new Promise((resolve) => {
      const force = setTimeout(() => this.server.closeAllConnections(), drainMs);
      force.unref();
      this.server.close(() => {
        clearTimeout(force);
        resolve();
      });
      this.server.closeIdleConnections();
    });
  }

  #onConnection(socket: TrackedSocket) {
    this.#cxTotal?.inc();
    const st = this.hcm.stats;
    st.c.downstream_cx_total.inc();
    st.c.downstream_cx_http1_total.inc();
    st.g.downstream_cx_active.inc();
    socket[kCx] = st.g.downstream_cx_active;
    socket.once("close", onSocketClose);
  }
}

const kListener = Symbol("signalbox.listener");

function onSocketClose(this: TrackedSocket) {
  this[kCx]?.dec();
}

/** Malformed request (node's parser rejected it): answer 400 like Envoy's codec error and close. */
function onClientError(this: http.Server & { [kListener]?: Listener }, err: Error & { code?: string }, socket: Socket) {
  const l = this[kListener];
  l?.hcm.stats.c.downstream_cx_protocol_error.inc();
  if (err.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = err.code === "HPE_HEADER_OVERFLOW";
  const status = tooLarge ? "431 Request Header Fields Too Large" : "400 Bad Request";
  const body = tooLarge ? "Request Header Fields Too Large" : "Bad Request";
  const server = l?.hcm.serverName ?? "envoy";
  l?.hcm.stats.c.downstream_rq_4xx.inc();
  socket.end(
    `HTTP/1.1 ${status}\r\ncontent-length: ${body.length}\r\ncontent-type: text/plain\r\ndate: ${new Date().toUTCString()}\r\nserver: ${server}\r\nconnection: close\r\n\r\n${body}`,
  );
}
