// One upstream connection of a host's pool (Envoy's ConnPoolImplBase::ActiveClient): the socket the pool
// dialed itself and an undici Client that speaks HTTP/1.1 on it. The pool owns connection establishment, so a
// connection exists before any request is attached to it and a request is only ever written to a connection
// the pool chose (undici's own Pool would dial or queue on its own, out of reach of the circuit breakers).
import type { Socket } from "node:net";
import { Client, type Dispatcher, type buildConnector } from "undici";

export const enum ConnState {
  /** dialing: counts against max_connections, takes no stream yet */
  Connecting,
  /** connected and idle: in the pool's ready list */
  Ready,
  /** one stream attached (HTTP/1.1: one at a time) */
  Busy,
  /** a stream finished; whether the socket survived is known on the next microtask */
  Finishing,
  /** the stream switched protocols (101): the socket left HTTP, the stream holds it until it closes */
  Upgraded,
  Closed,
}

/** What a connection reports to its pool (implemented by ConnPool). */
export interface ConnectionOwner {
  onStreamDone(conn: PoolConnection): void;
  onStreamUpgraded(conn: PoolConnection): void;
  /** undici asks for a socket again: the previous one closed before the attached request was written */
  redial(conn: PoolConnection, cb: buildConnector.Callback): void;
}

export class PoolConnection {
  state = ConnState.Connecting;
  /** a stream is attached and holds a request slot (until it ends, or its upgraded socket closes) */
  hasStream = false;
  /** the live socket, null once it closed */
  socket: Socket | null = null;
  readonly client: Client;
  /** the dialed socket, until undici takes it on the first dispatch */
  #handover: Socket | null = null;

  constructor(
    readonly owner: ConnectionOwner,
    origin: string,
  ) {
    this.client = new Client(origin, {
      connect: this.#connect,
      pipelining: 1,
      // the router owns request timeouts (route `timeout`, per-try timeout); undici's would fire first
      headersTimeout: 0,
      bodyTimeout: 300_000,
      // Envoy keeps idle upstream connections for an hour (common_http_protocol_options.idle_timeout);
      // undici still closes earlier when the upstream announces a shorter `Keep-Alive: timeout=`
      keepAliveTimeout: 60_000,
      keepAliveMaxTimeout: 600_000,
    });
  }

  /** The pool dialed `socket` for this connection. */
  connected(socket: Socket) {
    this.socket = socket;
    this.#handover = socket;
  }

  /** Sends the attached stream's request on this connection. */
  dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    return this.client.dispatch(opts, handler);
  }

  /** The attached stream completed or failed (not after an upgrade: the pool learns of that socket's close). */
  done() {
    this.owner.onStreamDone(this);
  }

  /** The attached stream got its 101 and took the socket. */
  upgraded() {
    this.owner.onStreamUpgraded(this);
  }

  close() {
    this.state = ConnState.Closed;
    this.#handover?.destroy();
    this.#handover = null;
    this.client.destroy().catch(noop);
  }

  #connect: buildConnector.connector = (_opts, cb) => {
    const s = this.#handover;
    if (s !== null) {
      this.#handover = null;
      // undici must not get the socket synchronously: it would try to resume from inside its own resume
      // loop and leave the request unwritten
      return queueMicrotask(() => cb(null, s));
    }
    if (this.state === ConnState.Closed) return cb(new Error("connection closed by the pool"), null);
    this.owner.redial(this, cb);
  };
}

function noop() {}
