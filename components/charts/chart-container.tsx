"use client";
// The only file that imports recharts. Feature charts describe their series in a ChartConfig (key → label and
// CSS colour variable) and render through TimeSeriesChart (stacked areas or lines, with version markers) or
// Sparkline. Charts take their data as props and are memoised, so a page whose live data changes every second
// only redraws the charts whose data changed.
import { memo, useState, type ReactNode } from "react";
import { Area, CartesianGrid, ComposedChart, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export type ChartConfig = Record<string, { label: string; color: string }>;

/** A vertical line at `t` with a focusable flag on top: hover or focus shows `title`, activating it calls onMarker. */
export interface ChartMarker {
  key: string;
  t: number;
  /** accessible name of the flag, e.g. "v7 publish by admin: raise timeouts" */
  label: string;
  /** lines of the hover card */
  title: string[];
  href: string;
  color?: string;
}

export function ChartContainer({ label, height = 240, children }: { label: string; height?: number; children: ReactNode }) {
  return (
    <div className="chart-box" role="figure" aria-label={label} style={{ height }}>
      {children}
    </div>
  );
}

interface TimeSeriesChartProps<T extends Record<string, number | null>> {
  label: string;
  data: T[];
  xKey: keyof T & string;
  config: ChartConfig;
  /** areas stacked on each other (requests by class), or separate lines (latency percentiles) */
  variant?: "stacked" | "areas" | "lines";
  height?: number;
  /** the x range to show (the window), instead of the data's own */
  domain?: [number, number];
  formatX?: (v: number) => string;
  formatY?: (v: number) => string;
  allowDecimals?: boolean;
  markers?: ChartMarker[];
  onMarker?: (m: ChartMarker) => void;
}

const TOOLTIP_STYLE = { background: "var(--surface)", border: "1px solid var(--border)", borderRadius: 6, fontSize: 12 };

function TimeSeriesChartImpl<T extends Record<string, number | null>>({
  label,
  data,
  xKey,
  config,
  variant = "stacked",
  height,
  domain,
  formatX,
  formatY,
  allowDecimals = false,
  markers = [],
  onMarker,
}: TimeSeriesChartProps<T>) {
  const [hover, setHover] = useState<{ m: ChartMarker; x: number; align: "start" | "middle" | "end" } | null>(null);
  return (
    <ChartContainer label={label} height={height}>
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={data} margin={{ top: 14, right: 8, bottom: 0, left: -12 }}>
          <CartesianGrid vertical={false} strokeDasharray="3 3" />
          <XAxis
            dataKey={xKey as string}
            tickFormatter={formatX}
            tickLine={false}
            axisLine={false}
            minTickGap={40}
            type="number"
            scale="time"
            domain={domain ?? ["dataMin", "dataMax"]}
            allowDataOverflow={Boolean(domain)}
          />
          <YAxis tickFormatter={formatY} tickLine={false} axisLine={false} allowDecimals={allowDecimals} width={52} />
          <Tooltip
            isAnimationActive={false}
            labelFormatter={(v) => (formatX ? formatX(Number(v)) : String(v))}
            formatter={(v) => (formatY && typeof v === "number" ? formatY(v) : String(v))}
            contentStyle={TOOLTIP_STYLE}
          />
          {Object.entries(config).map(([key, s]) => {
            if (variant === "lines")
              return <Line key={key} dataKey={key} name={s.label} type="monotone" stroke={s.color} strokeWidth={1.5} dot={false} isAnimationActive={false} connectNulls={false} />;
            // a series that is all zero would draw its line along the axis on top of the others
            const visible = data.some((d) => Number(d[key]) > 0);
            return (
              <Area
                key={key}
                dataKey={key}
                name={s.label}
                type="monotone"
                stackId={variant === "stacked" ? "a" : undefined}
                stroke={visible ? s.color : "transparent"}
                fill={s.color}
                fillOpacity={0.25}
                strokeWidth={1.5}
                isAnimationActive={false}
                dot={false}
              />
            );
          })}
          {markers.map((m) => (
            <ReferenceLine
              key={m.key}
              x={m.t}
              ifOverflow="discard"
              shape={(p: { x1?: number; y1?: number; y2?: number }) => {
                if (typeof p.x1 !== "number" || typeof p.y1 !== "number" || typeof p.y2 !== "number") return <g />;
                const { x1, y1, y2 } = p;
                const top = Math.min(y1, y2);
                const bottom = Math.max(y1, y2);
                // the card opens towards the side of the chart that has room for it
                const show = (e: { currentTarget: Element }) => {
                  // an <a> inside the chart's <svg>, although JSX types it as an HTML anchor
                  const width = (e.currentTarget as unknown as SVGElement).ownerSVGElement?.clientWidth ?? 0;
                  setHover({ m, x: x1, align: x1 < 140 ? "start" : x1 > width - 140 ? "end" : "middle" });
                };
                const hide = () => setHover((h) => (h?.m.key === m.key ? null : h));
                return (
                  <g className="chart-marker">
                    <line x1={x1} x2={x1} y1={top} y2={bottom} stroke={m.color ?? "var(--muted)"} strokeDasharray="4 3" strokeWidth={1.2} />
                    <a
                      href={m.href}
                      aria-label={m.label}
                      onClick={(e) => {
                        if (!onMarker || e.metaKey || e.ctrlKey) return;
                        e.preventDefault();
                        onMarker(m);
                      }}
                      onMouseEnter={show}
                      onMouseLeave={hide}
                      onFocus={show}
                      onBlur={hide}
                    >
                      <path d={`M${x1 - 6},${top - 12} h12 v8 l-6,5 l-6,-5 z`} fill={m.color ?? "var(--muted)"} />
                      {/* a wider invisible target, easier to hover than the flag */}
                      <rect x={x1 - 8} y={top - 14} width={16} height={bottom - top + 14} fill="transparent" />
                    </a>
                  </g>
                );
              }}
            />
          ))}
        </ComposedChart>
      </ResponsiveContainer>
      {hover && (
        <div className={`chart-marker-card ${hover.align}`} role="tooltip" style={{ left: hover.x }}>
          {hover.m.title.map((line, i) => (
            <div key={i} className={i === 0 ? "strong" : undefined}>
              {line}
            </div>
          ))}
          <div className="muted small">Click to open the diff</div>
        </div>
      )}
    </ChartContainer>
  );
}

export const TimeSeriesChart = memo(TimeSeriesChartImpl) as typeof TimeSeriesChartImpl;

/** A tiny line without axes beside a figure (KPI tiles); decorative, the figure says the number. */
export const Sparkline = memo(function Sparkline({ data, color, height = 30 }: { data: { t: number; v: number | null }[]; color: string; height?: number }) {
  return (
    <div className="sparkline" style={{ height }} aria-hidden="true">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 2, right: 0, bottom: 2, left: 0 }}>
          <XAxis dataKey="t" type="number" domain={["dataMin", "dataMax"]} hide />
          <YAxis hide domain={[0, "auto"]} />
          <Line dataKey="v" type="monotone" stroke={color} strokeWidth={1.25} dot={false} isAnimationActive={false} connectNulls />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
});
