// Per-connection stats that Envoy keeps on its Network::Connection, kept here without touching the data path:
// - bytes (`*_cx_rx_bytes_total`, `*_cx_tx_bytes_total`): Envoy adds every read and write; here the socket's own
//   `bytesRead`/`bytesWritten` are read when the connection closes, and every SWEEP_MS for the connections still
//   open, so a long-lived keep-alive connection shows in byte rates too. Nothing runs per chunk;
// - `*_cx_destroy`, split into `_local` and `_remote` by which side closed first (Envoy's
//   ConnectionEvent::LocalClose / RemoteClose): the peer's FIN received before ours was sent, or a reset by
//   the peer, is remote; anything else (our idle timeout, a drain, our `connection: close`) is local;
// - `*_cx_length_ms`: from when the connection was opened to its close.
// One small object per connection and two listeners that are module functions, not closures.
import type { Socket } from "node:net";
import { performance } from "node:perf_hooks";
import type { Counter, Histogram } from "./store";

/** Envoy's default stats flush interval: open connections' bytes are added this often. */
export const BYTES_SWEEP_MS = 5000;

export interface ConnectionStatSet {
  readonly rxBytes: Counter;
  readonly txBytes: Counter;
  readonly destroy: Counter;
  readonly destroyLocal: Counter;
  readonly destroyRemote: Counter;
  readonly lengthMs: Histogram;
}

const kTracked = Symbol("signalbox.connectionStats");

type TrackedSocket = Socket & { [kTracked]?: TrackedConnection };

class TrackedConnection {
  rxCounted = 0;
  txCounted = 0;
  remoteClosedFirst = false;
  constructor(
    readonly socket: Socket,
    readonly stats: ConnectionStatSet,
    readonly openedMs: number,
  ) {}

  /** adds the bytes moved since the last look */
  countBytes() {
    const rx = this.socket.bytesRead;
    const tx = this.socket.bytesWritten;
    if (rx > this.rxCounted) {
      this.stats.rxBytes.add(rx - this.rxCounted);
      this.rxCounted = rx;
    }
    if (tx > this.txCounted) {
      this.stats.txBytes.add(tx - this.txCounted);
      this.txCounted = tx;
    }
  }
}

const open = new Set<TrackedConnection>();
let sweepTimer: NodeJS.Timeout | null = null;

function sweep() {
  for (const c of open) c.countBytes();
}

/** errors that mean the peer tore the connection down */
const PEER_RESETS = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED"]);

function onEnd(this: TrackedSocket) {
  const c = this[kTracked];
  // the peer's FIN arrived while our side was still open: the peer closed first
  if (c !== undefined && !this.writableEnded) c.remoteClosedFirst = true;
}

function onClose(this: TrackedSocket) {
  const c = this[kTracked];
  if (c === undefined) return;
  this[kTracked] = undefined;
  open.delete(c);
  if (open.size === 0 && sweepTimer !== null) {
    clearInterval(sweepTimer);
    sweepTimer = null;
  }
  c.countBytes();
  const st = c.stats;
  st.destroy.inc();
  const err = this.errored as (Error & { code?: string }) | null;
  if (c.remoteClosedFirst || (err != null && PEER_RESETS.has(err.code ?? ""))) st.destroyRemote.inc();
  else st.destroyLocal.inc();
  st.lengthMs.recordMs(performance.now() - c.openedMs);
}

/** Counts this connection's bytes, its close and its length into `stats` (`openedMs`: performance.now()). */
export function trackConnection(socket: Socket, stats: ConnectionStatSet, openedMs: number) {
  const s = socket as TrackedSocket;
  if (s[kTracked] !== undefined || s.destroyed) return;
  const c = new TrackedConnection(socket, stats, openedMs);
  s[kTracked] = c;
  open.add(c);
  if (sweepTimer === null) {
    sweepTimer = setInterval(sweep, BYTES_SWEEP_MS);
    sweepTimer.unref();
  }
  // before the owner's own "end" handler, which ends our side in turn (node's http server, undici)
  socket.prependOnceListener("end", onEnd);
  socket.once("close", onClose);
}

/** errors of a connect that the peer refused or reset (Envoy raises RemoteClose); a timeout or a failed TLS
 *  handshake is closed by us (LocalClose) */
const REMOTE_CONNECT_FAILURES = new Set([...PEER_RESETS, "ECONNREFUSED"]);

/** A connection that never opened (a failed connect) is still destroyed, as Envoy's pool counts it
 *  (ConnPoolImplBase::onConnectionEvent reports every close). */
export function countFailedConnect(stats: ConnectionStatSet, err: { code?: string }) {
  stats.destroy.inc();
  (REMOTE_CONNECT_FAILURES.has(err.code ?? "") ? stats.destroyRemote : stats.destroyLocal).inc();
}
