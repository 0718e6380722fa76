import type { ClusterLive } from "@/lib/contract/telemetry";
import { usageBars } from "./endpoint-health";

/** Thin bars, one per breaker threshold: what is in use now against the limit (summed over nodes). */
export function UsageBars({ usage, wide = false }: { usage: ClusterLive["usage"]; wide?: boolean }) {
  return (
    <div className={`usage-bars${wide ? " wide" : ""}`}>
      {usageBars(usage).map((b) => (
        <div key={b.key} className="usage" title={`${b.threshold}: ${b.now} in use of ${b.max}`}>
          <span className="usage-label small">{b.label}</span>
          <span className="usage-track" role="meter" aria-label={`${b.label} in use`} aria-valuenow={b.now} aria-valuemin={0} aria-valuemax={b.max}>
            <span className={`usage-fill ${b.tone}`} style={{ width: `${b.pct}%` }} />
          </span>
          <span className="usage-figure small mono">
            {b.now}/{b.max}
          </span>
        </div>
      ))}
    </div>
  );
}
