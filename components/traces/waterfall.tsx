"use client";
// A trace as a waterfall: one lane per span on the trace's time scale, the proxy span on top, each upstream
// attempt beneath it (a retry is one more attempt), with the exact offsets and durations as the bars' names.
import { useMemo } from "react";
import type { TraceView } from "@/lib/contract/traces";
import { TimeLanes, type Lane } from "@/components/charts/time-lanes";
import { fmtDuration, timeTicks } from "@/components/charts/time-scale";
import { StatusChip } from "@/components/ui/status-chip";
import { statusTone } from "@/components/access-log/access-log-model";
import { rowLabel, waterfallLayout, type WaterfallRow } from "./waterfall-layout";

function tone(r: WaterfallRow) {
  if (r.error) return r.retry || r.attempt !== null ? ("amber" as const) : ("red" as const);
  return r.span.kind === "SERVER" ? ("accent" as const) : ("green" as const);
}

export function Waterfall({ trace }: { trace: TraceView }) {
  const w = useMemo(() => waterfallLayout(trace), [trace]);
  const lanes = useMemo<Lane[]>(
    () =>
      w.rows.map((r) => {
        const label = rowLabel(r);
        const code = r.status === null ? null : Number(r.status);
        return {
          key: r.span.id + r.span.kind,
          depth: r.depth,
          label: (
            <span className="row" style={{ gap: 6 }}>
              <span className="wf-label" title={r.span.name}>
                {label}
              </span>
              {code !== null && Number.isFinite(code) && <StatusChip tone={statusTone(code)}>{code === 0 ? "none" : code}</StatusChip>}
            </span>
          ),
          bars: [
            {
              key: "span",
              left: r.left,
              width: r.width,
              text: fmtDuration(r.durationMs),
              title: `${label}: starts at +${fmtDuration(r.offsetMs)}, takes ${fmtDuration(r.durationMs)}${r.status !== null ? `, status ${r.status}` : ""}`,
              tone: tone(r),
              testId: "waterfall-bar",
            },
          ],
        };
      }),
    [w],
  );
  const ticks = useMemo(() => timeTicks(0, w.durationMs, 6).map((t) => ({ key: String(t.t), at: t.pct, text: `+${fmtDuration(t.t)}` })), [w.durationMs]);
  return <TimeLanes label={`Waterfall of trace ${trace.traceId}, ${fmtDuration(w.durationMs)}`} lanes={lanes} ticks={ticks} labelWidth={260} />;
}
