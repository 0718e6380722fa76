"use client";
// The Review drawer's publish guard: "roll back if 5xx > 5% within 30 s", both figures adjustable. Its value is
// the `guard` of POST /api/versions (lib/contract/guard.ts), or undefined when off.
import { useState } from "react";
import type { GuardParams } from "@/lib/contract/guard";

const DEFAULTS = { percent: 5, windowS: 30, minRequests: 20 };

/** The toggle's state and the `guard` it makes (undefined: off, or a figure out of range). */
export function useGuardToggle() {
  const [on, setOn] = useState(false);
  const [percent, setPercent] = useState(String(DEFAULTS.percent));
  const [windowS, setWindowS] = useState(String(DEFAULTS.windowS));
  const p = Number(percent);
  const w = Number(windowS);
  const error = !on ? undefined : !(p > 0 && p <= 100) ? "The 5xx limit must be more than 0% and at most 100%." : !(Number.isInteger(w) && w >= 5 && w <= 600) ? "The window must be 5 to 600 seconds." : undefined;
  const guard: GuardParams | undefined = on && !error ? { maxErrorRatio: p / 100, windowS: w, minRequests: DEFAULTS.minRequests } : undefined;
  return { on, setOn, percent, setPercent, windowS, setWindowS, error, guard };
}

export function GuardToggle({ state }: { state: ReturnType<typeof useGuardToggle> }) {
  const s = state;
  return (
    <fieldset className="stack" aria-label="Publish guard" data-testid="guard-toggle" style={{ border: 0, padding: 0, margin: 0 }}>
      <label className="row wrap" style={{ gap: 6 }}>
        <input type="checkbox" checked={s.on} onChange={(e) => s.setOn(e.target.checked)} aria-label="Roll back automatically" />
        <span>Roll back if 5xx &gt;</span>
        <input type="number" aria-label="5xx limit (%)" min={0.1} max={100} step="any" value={s.percent} onChange={(e) => s.setPercent(e.target.value)} disabled={!s.on} style={{ width: 70 }} />
        <span>% within</span>
        <input type="number" aria-label="Window (s)" min={5} max={600} step={1} value={s.windowS} onChange={(e) => s.setWindowS(e.target.value)} disabled={!s.on} style={{ width: 70 }} />
        <span>s</span>
      </label>
      <span className="small muted">The console watches the routes and clusters this publish changes and publishes a rollback to the current version when they go over (at least {DEFAULTS.minRequests} responses).</span>
      {s.error && (
        <span className="small" role="alert">
          {s.error}
        </span>
      )}
    </fieldset>
  );
}
