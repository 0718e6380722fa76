"use client";
// Lanes on one time axis: a label per lane, bars (a trip, a span) from start to end, and point markers (an
// ejection, a health flip). Plain HTML rather than SVG so every bar is focusable, has its exact figures as its
// accessible name, and can be a link. Positions come from pure view models (trip-lanes.ts, waterfall-layout.ts).
import Link from "next/link";
import { memo, type ReactNode } from "react";
import type { Tone } from "@/components/ui/status-chip";

export interface LaneBar {
  key: string;
  /** percent of the track */
  left: number;
  width: number;
  /** short text drawn on or beside the bar */
  text?: string;
  /** accessible name and hover text: the exact figures */
  title: string;
  tone: Tone | "accent";
  /** still going: the bar runs to the end of the track with an open edge */
  open?: boolean;
  href?: string;
  testId?: string;
}

export interface LanePoint {
  key: string;
  at: number;
  symbol: string;
  title: string;
  tone: Tone;
  testId?: string;
}

export interface Lane {
  key: string;
  label: ReactNode;
  /** indentation of the label (span depth) */
  depth?: number;
  bars: LaneBar[];
  points?: LanePoint[];
  /** what an empty lane says */
  empty?: string;
}

function Bar({ b }: { b: LaneBar }) {
  const style = { left: `${b.left}%`, width: `max(${b.width}%, 3px)` };
  const cls = `lane-bar ${b.tone}${b.open ? " open" : ""}`;
  // inside a wide bar; beside a narrow one, on whichever side has room
  const place = b.width >= 15 ? " inside" : b.left + b.width > 80 ? " before" : "";
  const text = b.text ? <span className={`lane-bar-text${place}`}>{b.text}</span> : null;
  if (b.href)
    return (
      <Link href={b.href} className={cls} style={style} aria-label={b.title} title={b.title} data-testid={b.testId}>
        {text}
      </Link>
    );
  return (
    <span className={cls} style={style} role="img" aria-label={b.title} title={b.title} tabIndex={0} data-testid={b.testId}>
      {text}
    </span>
  );
}

export const TimeLanes = memo(function TimeLanes({
  label,
  lanes,
  ticks,
  labelWidth = 180,
}: {
  label: string;
  lanes: Lane[];
  ticks: { key: string; at: number; text: string }[];
  labelWidth?: number;
}) {
  return (
    <div className="lanes" role="group" aria-label={label} style={{ gridTemplateColumns: `${labelWidth}px 1fr` }}>
      {lanes.map((lane) => (
        <div key={lane.key} className="lane" role="group" aria-label={typeof lane.label === "string" ? lane.label : undefined}>
          <div className="lane-label" style={{ paddingLeft: (lane.depth ?? 0) * 14 }}>
            {lane.label}
          </div>
          <div className="lane-track">
            {ticks.map((t) => (
              <span key={t.key} className="lane-grid" style={{ left: `${t.at}%` }} aria-hidden="true" />
            ))}
            {lane.bars.map((b) => (
              <Bar key={b.key} b={b} />
            ))}
            {(lane.points ?? []).map((p) => (
              <span
                key={p.key}
                className={`lane-point ${p.tone}`}
                style={{ left: `${p.at}%` }}
                role="img"
                aria-label={p.title}
                title={p.title}
                tabIndex={0}
                data-testid={p.testId}
              >
                {p.symbol}
              </span>
            ))}
            {lane.bars.length === 0 && !(lane.points ?? []).length && lane.empty && <span className="lane-empty">{lane.empty}</span>}
          </div>
        </div>
      ))}
      <div className="lane axis" aria-hidden="true">
        <div />
        <div className="lane-track">
          {ticks.map((t) => (
            <span key={t.key} className="lane-tick" style={{ left: `${t.at}%` }}>
              {t.text}
            </span>
          ))}
        </div>
      </div>
    </div>
  );
});
