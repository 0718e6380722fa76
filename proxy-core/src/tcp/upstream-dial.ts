// One upstream connection for a tcp_proxy: TCP, or TLS per the cluster's UpstreamTlsContext, bounded by the
// cluster's connect_timeout, which covers the TLS handshake (Envoy raises Connected only once the transport
// socket's handshake is done). Not undici's connector: that one always offers ALPN `http/1.1`, which a TCP
// upstream must not be told; here ALPN is offered only if the context sets it, as Envoy does.
import net from "node:net";
import tls from "node:tls";
import type { Host } from "../upstream/host";
import type { UpstreamTls } from "../upstream/tls";

export type DialError = Error & { code?: string };

export interface UpstreamDial {
  /** gives up: the socket is destroyed and the callback is not called */
  cancel(): void;
}

/** Code of a connect that took longer than connect_timeout. */
export const CONNECT_TIMEOUT_CODE = "ETIMEDOUT";

export function dialUpstream(host: Host, connectTimeoutMs: number, upstreamTls: UpstreamTls | null, cb: (err: DialError | null, socket: net.Socket | null) => void): UpstreamDial {
  const target = { host: host.connectAddress, port: host.port, noDelay: true };
  const socket: net.Socket = upstreamTls
    ? tls.connect({ ...upstreamTls.options, ALPNProtocols: undefined, ...target, ...(upstreamTls.sni ? { servername: upstreamTls.sni } : {}) })
    : net.connect(target);
  // a FIN from the upstream is passed on, and our side stays open to keep sending (half-close)
  socket.allowHalfOpen = true;
  let settled = false;
  const settle = (err: DialError | null) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    socket.off("error", onError);
    if (err !== null) {
      socket.destroy();
      cb(err, null);
    } else cb(null, socket);
  };
  const onError = (err: DialError) => settle(err);
  const timer = setTimeout(() => settle(Object.assign(new Error("connection timeout"), { code: CONNECT_TIMEOUT_CODE })), connectTimeoutMs);
  socket.once(upstreamTls ? "secureConnect" : "connect", () => settle(null));
  socket.on("error", onError);
  return {
    cancel() {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.on("error", () => {});
      socket.destroy();
    },
  };
}

/** %UPSTREAM_TRANSPORT_FAILURE_REASON% of a failed connect, worded as the router words it ("" for a timeout). */
export function connectFailureReason(err: DialError): string {
  if (err.code === CONNECT_TIMEOUT_CODE) return "";
  return `delayed connect error: ${err.code === "ECONNREFUSED" ? "Connection refused" : err.code || err.message}`;
}
