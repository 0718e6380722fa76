"use client";
// The only file that imports recharts. Feature charts describe their series in a ChartConfig
// (key → label and CSS colour variable) and render through TimeSeriesChart.
import type { ReactNode } from "react";
import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export type ChartConfig = Record<string, { label: string; color: string }>;

export function ChartContainer({ label, height = 240, children }: { label: string; height?: number; children: ReactNode }) {
  return (
    <div className="chart-box" role="img" aria-label={label} style={{ height }}>
      {children}
    </div>
  );
}

interface TimeSeriesChartProps<T extends Record<string, number>> {
  label: string;
  data: T[];
  xKey: keyof T & string;
  config: ChartConfig;
  stacked?: boolean;
  height?: number;
  formatX?: (v: number) => string;
  formatY?: (v: number) => string;
}

export function TimeSeriesChart<T extends Record<string, number>>({
  label,
  data,
  xKey,
  config,
  stacked = true,
  height,
  formatX,
  formatY,
}: TimeSeriesChartProps<T>) {
  return (
    <ChartContainer label={label} height={height}>
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -12 }}>
          <CartesianGrid vertical={false} strokeDasharray="3 3" />
          <XAxis dataKey={xKey as string} tickFormatter={formatX} tickLine={false} axisLine={false} minTickGap={28} type="number" domain={["dataMin", "dataMax"]} />
          <YAxis tickFormatter={formatY} tickLine={false} axisLine={false} allowDecimals={false} width={48} />
          <Tooltip
            isAnimationActive={false}
            labelFormatter={(v) => (formatX ? formatX(Number(v)) : String(v))}
            contentStyle={{ background: "var(--surface)", border: "1px solid var(--border)", borderRadius: 6, fontSize: 12 }}
          />
          {Object.entries(config).map(([key, s]) => {
            // a series that is all zero would draw its line along the axis on top of the others
            const visible = data.some((d) => Number(d[key]) > 0);
            return (
            <Area
              key={key}
              dataKey={key}
              name={s.label}
              type="monotone"
              stackId={stacked ? "a" : undefined}
              stroke={visible ? s.color : "transparent"}
              fill={s.color}
              fillOpacity={0.25}
              strokeWidth={1.5}
              isAnimationActive={false}
              dot={false}
            />
            );
          })}
        </AreaChart>
      </ResponsiveContainer>
    </ChartContainer>
  );
}
