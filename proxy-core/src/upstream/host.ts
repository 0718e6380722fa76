// One upstream endpoint. Per-host counters are plain numbers (Envoy shows them in /clusters, not /stats).
// Health is a set of flags as in Envoy: a host is healthy when no flag is set; /clusters prints the flags.
// A host knows nothing of connection pools: its cluster keeps one per host (cluster.ts poolFor), as Envoy's
// ClusterEntry keeps its host-to-pool map beside the host set rather than on the hosts.

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
  /** set by the active health checker (Envoy FAILED_ACTIVE_HC) */
  failedActiveHc = false;
  /** set while outlier detection ejects the host (Envoy FAILED_OUTLIER_CHECK) */
  failedOutlierCheck = false;
  /** the IP new connections dial: the address itself, or a LOGICAL_DNS host's latest resolution */
  connectAddress: string;

  constructor(
    readonly address: string,
    readonly port: number,
    readonly weight: number,
    /** scheme of the pool's origin: "https" when the cluster has an UpstreamTlsContext */
    readonly scheme: "http" | "https" = "http",
  ) {
    this.label = address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
    this.connectAddress = address;
  }

  get healthy(): boolean {
    return !this.failedActiveHc && !this.failedOutlierCheck;
  }

  /** `/clusters` health_flags: `healthy` or the failed flags, each prefixed by `/` */
  get healthFlags(): string {
    if (this.healthy) return "healthy";
    return (this.failedActiveHc ? "/failed_active_hc" : "") + (this.failedOutlierCheck ? "/failed_outlier_check" : "");
  }

  get origin(): string {
    return `${this.scheme}://${this.label}`;
  }
}
