// The downstream TLS of a tcp_proxy filter chain: the chain's DownstreamTlsContext terminates TLS and the
// tcp_proxy gets the decrypted stream (HTTP chains get theirs from the https codec instead, codec.ts). A node
// tls.Server that never listens: the Listener accepts the TCP connection, picks the chain by SNI and hands the
// socket over, as it does to the codec. Handshakes count in the listener's `ssl.*` stats.
import type net from "node:net";
import tls from "node:tls";
import type https from "node:https";
import type { ListenerSslStats } from "./listener-stats";

export class TlsTerminator {
  readonly #server: tls.Server;
  /** accepted sockets until they close, so a drain that runs out of time can close them */
  readonly #sockets = new Set<net.Socket>();

  constructor(options: https.ServerOptions, ssl: ListenerSslStats | null, onSecure: (socket: tls.TLSSocket) => void) {
    this.#server = tls.createServer(options as tls.TlsOptions);
    this.#server.on("secureConnection", (socket: tls.TLSSocket) => {
      ssl?.onHandshake(socket);
      onSecure(socket);
    });
    this.#server.on("tlsClientError", (err: Error & { code?: string }, socket: tls.TLSSocket) => {
      ssl?.onHandshakeError(err);
      socket.destroy();
    });
    this.#server.on("error", () => {}); // per connection; never crash
  }

  accept(socket: net.Socket) {
    this.#sockets.add(socket);
    socket.once("close", () => this.#sockets.delete(socket));
    this.#server.emit("connection", socket);
  }

  /** Closes every connection it accepted, handshaking or established. */
  destroyAll() {
    for (const s of this.#sockets) s.destroy();
  }
}
