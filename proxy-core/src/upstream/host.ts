// One upstream endpoint. Per-host counters are plain numbers (Envoy shows them in /clusters, not /stats).
import type { ConnPool } from "../pool/conn-pool";

export class HostStats {
  cx_total = 0;
  cx_active = 0;
  cx_connect_fail = 0;
  rq_total = 0;
  rq_active = 0;
  rq_success = 0;
  rq_error = 0;
  rq_timeout = 0;
}

export class Host {
  readonly label: string;
  readonly stats = new HostStats();
  /** created on first use, so hosts that never get traffic hold no sockets */
  pool: ConnPool | null = null;
  healthy = true;

  constructor(
    readonly address: string,
    readonly port: number,
    readonly weight: number,
  ) {
    this.label = address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
  }

  get origin(): string {
    return `http://${this.label}`;
  }
}
