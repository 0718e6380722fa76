// Endpoint health and breaker usage as the cluster views show them. Health flags are Envoy's /clusters
// health_flags: "healthy", or "/"-joined reasons such as "/failed_active_hc/failed_outlier_check".
import type { ClusterLive } from "@/lib/contract/telemetry";
import type { Tone } from "@/components/ui/status-chip";

const FLAG_WORDS: Record<string, string> = {
  failed_active_hc: "failing health check",
  failed_outlier_check: "ejected by outlier detection",
  failed_eds_health: "unhealthy (EDS)",
  degraded_active_hc: "degraded (health check)",
  degraded_eds_health: "degraded (EDS)",
  pending_dynamic_removal: "being removed",
  pending_active_hc: "waiting for its first health check",
  excluded_via_immediate_hc_fail: "excluded (immediate health check failure)",
  active_hc_timeout: "health check timed out",
};

export function healthOf(flags: string): { tone: Tone; text: string } {
  const f = flags.trim();
  if (f === "" || f === "healthy") return { tone: "green", text: "healthy" };
  const parts = f.split("/").filter(Boolean);
  const words = parts.map((p) => FLAG_WORDS[p] ?? p.replace(/_/g, " "));
  const failing = parts.some((p) => p.startsWith("failed_") || p === "active_hc_timeout" || p.startsWith("excluded"));
  return { tone: failing ? "red" : "amber", text: words.join(", ") };
}

export function healthyCount(live: ClusterLive): { healthy: number; total: number } {
  return { healthy: live.endpoints.filter((e) => healthOf(e.healthFlags).tone === "green").length, total: live.endpoints.length };
}

export const USAGE_KEYS = [
  { key: "connections", label: "connections", threshold: "max_connections" },
  { key: "pending", label: "pending", threshold: "max_pending_requests" },
  { key: "requests", label: "requests", threshold: "max_requests" },
  { key: "retries", label: "retries", threshold: "max_retries" },
] as const;

export interface UsageBar {
  key: string;
  label: string;
  threshold: string;
  now: number;
  max: number;
  /** 0–100 */
  pct: number;
  tone: Tone;
}

/** Current use of each limit against it: amber from 80%, red at the limit (the breaker refuses). */
export function usageBars(usage: ClusterLive["usage"]): UsageBar[] {
  return USAGE_KEYS.map(({ key, label, threshold }) => {
    const { now, max } = usage[key];
    const ratio = max > 0 ? now / max : now > 0 ? 1 : 0;
    return { key, label, threshold, now, max, pct: Math.min(100, ratio * 100), tone: ratio >= 1 ? "red" : ratio >= 0.8 ? "amber" : "green" };
  });
}
