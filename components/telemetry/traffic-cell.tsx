"use client";
// A live figure in a table cell (Routes and Clusters tables). Each cell subscribes to the one number it shows,
// so a tick re-renders only the cells whose number changed, never the table.
import { memo } from "react";
import type { LiveState } from "@/components/queries/use-live-ticks";
import { useLiveTickQuery } from "@/components/queries/use-live-tick-query";
import { useSummaryQuery } from "@/components/queries/use-summary-query";
import { fmtMs, fmtRatio, fmtRps, ratioTone } from "./format";
import { lookup, pickFigure, type FigureKind, type TrafficTarget } from "./live-figures";

const SUMMARY_SCOPE = { window: "5m" } as const;

export const TrafficCell = memo(function TrafficCell({ target, kind, live }: { target: TrafficTarget; kind: FigureKind; live: LiveState }) {
  const fromTick = useLiveTickQuery((t) => pickFigure(lookup(t, target), kind));
  const fromSummary = useSummaryQuery(SUMMARY_SCOPE, (s) => pickFigure(lookup(s, target), kind));
  const useTick = live === "open" && fromTick.data !== undefined;
  const v = useTick ? fromTick.data : fromSummary.data;
  if (v === undefined)
    return fromSummary.isError ? (
      <span className="muted" title="Traffic figures are not available (GET /api/telemetry/summary failed)">—</span>
    ) : (
      <span className="muted">…</span>
    );
  if (kind === "rps") return <>{fmtRps(v)}</>;
  if (kind === "p99") return <>{fmtMs(v)}</>;
  return <span className={v === null ? "muted" : `tone-${ratioTone(v)}`}>{fmtRatio(v)}</span>;
});

/** What the live columns' headers say about their source. */
export function figuresSource(live: LiveState): string {
  return live === "open" ? "the last second, from the live channel" : "averaged over the last 5 minutes";
}
