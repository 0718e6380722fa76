// How a host's pool dials: undici's connector (connect timeout → UND_ERR_CONNECT_TIMEOUT, including the TLS
// handshake; TLS session reuse) aimed at the host's *current* address, so a LOGICAL_DNS host's new connections
// follow DNS while existing ones stay. With TLS the SNI is the cluster's `sni` or none (never the Host header).
import type { Socket } from "node:net";
import { buildConnector } from "undici";
import type { Host } from "../upstream/host";
import type { UpstreamTls } from "../upstream/tls";

export type SocketConnector = (cb: (err: (Error & { code?: string }) | null, socket: Socket | null) => void) => void;

export function hostConnector(host: Host, connectTimeoutMs: number, tls: UpstreamTls | null): SocketConnector {
  const dial = buildConnector({ ...(tls?.options ?? {}), timeout: connectTimeoutMs } as buildConnector.BuildOptions);
  const protocol = tls ? "https:" : "http:";
  const port = String(host.port);
  const servername = tls?.sni ?? undefined;
  return (cb) =>
    dial({ hostname: host.connectAddress, host: undefined, protocol, port, servername } as buildConnector.Options, (err, socket) =>
      err ? cb(err as Error & { code?: string }, null) : cb(null, socket as Socket),
    );
}
