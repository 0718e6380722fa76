// Upstream events, emitted on the ProxyServer's EventEmitter next to "circuit_breaker" and forwarded to the
// console by the xDS client as `{type:"event", kind, cluster, details}`.

/** An active health check changed a host's health (including a new host's first success). */
export interface HealthFlipEvent {
  cluster: string;
  host: string;
  healthy: boolean;
  /** "expected_status" | "network" | "threshold" | "first_check" … */
  reason: string;
  time: number;
}

/** Outlier detection ejected a host (`ejected: true`) or returned it (`ejected: false`). */
export interface OutlierEjectionEvent {
  cluster: string;
  host: string;
  ejected: boolean;
  /** "consecutive_5xx" | "consecutive_gateway_failure" | "timeout" | "active_hc" */
  type: string;
  /** ejection duration, when ejected */
  durationMs?: number;
  time: number;
}

export const UPSTREAM_EVENT_KINDS = ["health_flip", "outlier_ejection"] as const;
