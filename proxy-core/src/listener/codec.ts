// The HTTP/1.1 codec of one filter chain: a node:http (or node:https for TLS chains) server that never
// listens itself; the Listener accepts the TCP connection, picks the chain (SNI) and hands the socket over
// with `emit("connection")`. Request handling reads the chain's ConnectionManager; limits and timeouts come
// from the HCM config (max_request_headers_kb, request_headers_timeout, request_timeout, idle_timeout).
import http from "node:http";
import https from "node:https";
import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import type { ConnectionManager } from "../http/connection-manager";
import type { ListenerSslStats } from "./listener-stats";

// 2^31-1 ms: node's largest timer, used where Envoy has "disabled"
const NEVER_MS = 2_147_483_647;
// node arms a kept-alive socket's timer at keepAliveTimeout + 1 s; beyond NEVER_MS it warns (TimeoutOverflowWarning)
// on every response, and 0 would leave the socket with whatever timeout the last stream set (stream_idle_timeout)
const KEEP_ALIVE_NEVER_MS = NEVER_MS - 1000;

export class HttpCodec {
  readonly server: http.Server;
  /** the connection manager requests are handed to; a config swap points it at the new one */
  hcm: ConnectionManager;
  /** set when the chain was removed or its TLS settings changed: each response closes its connection */
  draining = false;

  constructor(
    hcm: ConnectionManager,
    public tls: https.ServerOptions | null,
    ssl: ListenerSslStats | null,
  ) {
    this.hcm = hcm;
    const t = hcm.timeouts;
    const opts: http.ServerOptions = {
      // Node's headersTimeout/requestTimeout are checked on this interval; keep it short enough for small timeouts
      connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(Math.min(t.headersTimeoutMs || NEVER_MS, t.requestTimeoutMs || NEVER_MS) / 4))),
    };
    this.server = tls ? https.createServer({ ...opts, ...tls }) : http.createServer(opts);
    this.setHcm(hcm);
    // node only starts its header/request timeout checker when a server starts listening; codecs never do
    this.server.emit("listening");
    this.server.on("request", (req, res) => {
      if (this.draining) res.shouldKeepAlive = false;
      // node emits pipelined requests as it parses them and queues their responses; Envoy's codec forwards the
      // next one only once the response before it is done (a PUT then a GET must not reach the upstream out of
      // order), and none after a response that closes the connection
      const before = (req.socket as Socket & { _httpMessage?: http.ServerResponse | null })._httpMessage;
      if (before != null && before !== res) {
        if (!before.shouldKeepAlive) return void req.resume();
        // node hands the socket to the queued response when the one before it finishes
        res.once("socket", () => this.hcm.handle(req, res));
        return;
      }
      this.hcm.handle(req, res);
    });
    // registering `upgrade` makes node hand Upgrade requests here instead of to `request`
    this.server.on("upgrade", (req, socket: Socket, head: Buffer) => this.hcm.handleUpgrade(req, socket, head));
    this.server.on("clientError", (err: Error & { code?: string }, socket: Socket) => onClientError(this.hcm, err, socket));
    // node hands CONNECT to 'connect' and closes the socket unanswered when nobody listens
    this.server.on("connect", (_req: http.IncomingMessage, socket: Socket) => onConnect(this.hcm, socket));
    this.server.on("error", () => {}); // per connection; never crash
    this.server.on("timeout", (socket: Socket) => onSocketTimeout(this.hcm, socket));
    const cx = tls ? "secureConnection" : "connection";
    this.server.on(cx, (socket: Socket) => this.hcm.onConnection(socket));
    if (tls && ssl) {
      this.server.on("secureConnection", (socket: TLSSocket) => ssl.onHandshake(socket));
      this.server.on("tlsClientError", (err: Error & { code?: string }, socket: TLSSocket) => {
        ssl.onHandshakeError(err);
        socket.destroy();
      });
    }
  }

  /** Switches to another HCM (config swap); node reads these limits per connection / per timeout check. */
  setHcm(hcm: ConnectionManager) {
    this.hcm = hcm;
    const t = hcm.timeouts;
    const srv = this.server;
    (srv as http.Server & { maxHeaderSize?: number }).maxHeaderSize = t.maxHeaderBytes;
    srv.keepAliveTimeout = t.idleTimeoutMs || KEEP_ALIVE_NEVER_MS;
    srv.headersTimeout = t.headersTimeoutMs;
    srv.requestTimeout = t.requestTimeoutMs;
  }

  /**
   * New certificates or CAs for the handshakes from now on (a rotated secret); open connections keep theirs and
   * stay open. Only for a TLS codec whose other TLS settings stay the same (listener.ts decides).
   */
  setSecureContext(options: https.ServerOptions) {
    (this.server as https.Server).setSecureContext(options);
    this.tls = options;
  }

  accept(socket: Socket) {
    this.server.emit("connection", socket);
  }

  closeIdle() {
    this.server.closeIdleConnections();
  }

  closeAll() {
    this.server.closeAllConnections();
  }

  /** stops node's timeout checker; connections are closed by closeIdle/closeAll */
  stop() {
    this.server.close(() => {});
  }
}

/**
 * node's socket inactivity timer fired (the server's "timeout" event). With no response in progress it is the
 * keep-alive timer, which the codec sets to the HCM's idle_timeout: the connection closes as Envoy's does,
 * counted in downstream_cx_idle_timeout. A stream in progress has its own timeout handler (stream idle
 * timeout, http/stream-idle.ts). Listening here stops node's own destroy, so a socket that nobody else
 * handles is destroyed as node would have.
 */
function onSocketTimeout(hcm: ConnectionManager, socket: Socket) {
  const res = (socket as Socket & { _httpMessage?: http.ServerResponse | null })._httpMessage;
  if (res == null) {
    hcm.stats.c.downstream_cx_idle_timeout.inc();
    socket.destroy();
  } else if (res.listenerCount("timeout") === 0) socket.destroy();
}

/**
 * CONNECT: no route of this proxy has a connect_matcher (Envoy's RouteMatch.connect_matcher), so Envoy's router
 * finds none and answers 404 (route_not_found); the connection closes, since its bytes after the head are a tunnel.
 */
function onConnect(hcm: ConnectionManager, socket: Socket) {
  const st = hcm.stats;
  st.c.downstream_rq_total.inc();
  st.c.downstream_rq_http1_total.inc();
  st.chargeCompleted(404);
  socket.on("error", () => {});
  socket.end(`HTTP/1.1 404 Not Found\r\ndate: ${new Date().toUTCString()}\r\nserver: ${hcm.serverName}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`);
}

/** Malformed request (node's parser rejected it), header overflow or request timeout: Envoy's local reply, then close. */
function onClientError(hcm: ConnectionManager, err: Error & { code?: string }, socket: Socket) {
  const st = hcm.stats.c;
  const current = (socket as Socket & { _httpMessage?: http.ServerResponse | null })._httpMessage;
  // bytes after a request that said `Connection: close` (RFC 9112 §9.6: the server reads no further): its response
  // is still on its way and the connection closes after it, as Envoy's codec does; nothing else is answered
  if (err.code === "HPE_CLOSED_CONNECTION" && current != null && !current.writableFinished) return;
  const started = current?.headersSent === true;
  if (err.code === "ECONNRESET" || !socket.writable || started) {
    socket.destroy();
    return;
  }
  let status = "400 Bad Request";
  let body = "Bad Request";
  if (err.code === "HPE_HEADER_OVERFLOW") {
    st.downstream_cx_protocol_error.inc();
    status = "431 Request Header Fields Too Large";
    body = "Request Header Fields Too Large";
  } else if (err.code === "ERR_HTTP_REQUEST_TIMEOUT") {
    // Envoy (conn_manager_impl.cc): request_timeout → 408 "request timeout", downstream_rq_timeout
    st.downstream_rq_timeout.inc();
    status = "408 Request Timeout";
    body = "request timeout";
  } else st.downstream_cx_protocol_error.inc();
  hcm.stats.chargeCompleted(Number(status.slice(0, 3)));
  socket.end(
    `HTTP/1.1 ${status}\r\ncontent-length: ${body.length}\r\ncontent-type: text/plain\r\ndate: ${new Date().toUTCString()}\r\nserver: ${hcm.serverName}\r\nconnection: close\r\n\r\n${body}`,
  );
}
