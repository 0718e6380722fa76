// The socket factory of a host's pool: undici's connector (connect timeout → UND_ERR_CONNECT_TIMEOUT,
// including the TLS handshake) dialing the host's *current* address, so a LOGICAL_DNS host's new connections
// follow DNS while existing ones stay. With TLS the SNI is the cluster's `sni` or none (never the Host header).
import { buildConnector } from "undici";
import type { Host } from "../upstream/host";
import type { UpstreamTls } from "../upstream/tls";

export function hostConnector(host: Host, connectTimeoutMs: number, tls: UpstreamTls | null): buildConnector.connector {
  const base = buildConnector({ ...(tls?.options ?? {}), timeout: connectTimeoutMs } as buildConnector.BuildOptions);
  return (opts, cb) => base({ ...opts, hostname: host.connectAddress, host: undefined, servername: tls?.sni ?? undefined } as buildConnector.Options, cb);
}

/** Constant per-request servername for TLS pools, so undici never reconnects because the Host header changed. */
export const TLS_DISPATCH_SERVERNAME = "signalbox-upstream";
