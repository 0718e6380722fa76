// A linear time scale for the lane charts (trip timeline, trace waterfall): position as a percentage of the
// track, and round tick steps.

/** Where `t` sits between `from` and `to`, in percent, clamped to the track. */
export function pct(t: number, from: number, to: number): number {
  if (!(to > from)) return 0;
  return Math.min(100, Math.max(0, ((t - from) / (to - from)) * 100));
}

// steps a reader can add up: 1, 2, 5 × powers of ten, and clock-friendly ones above a second
const STEPS_MS = [
  0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500,
  1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 10_800_000, 21_600_000,
];

/** The smallest round step that gives at most `max` ticks over the span. */
export function tickStep(spanMs: number, max = 6): number {
  for (const s of STEPS_MS) if (spanMs / s <= max) return s;
  return STEPS_MS[STEPS_MS.length - 1];
}

/** Ticks at multiples of a round step inside [from, to], each with its position. */
export function timeTicks(from: number, to: number, max = 6): { t: number; pct: number }[] {
  if (!(to > from)) return [];
  const step = tickStep(to - from, max);
  const out: { t: number; pct: number }[] = [];
  // integer step counts, so 0.1 ms steps do not drift
  for (let i = Math.ceil(from / step); i * step <= to; i++) out.push({ t: i * step, pct: pct(i * step, from, to) });
  return out;
}

/** "4.2 s", "380 ms", "1.25 ms", "2 min 5 s": durations as a person reads them. */
export function fmtDuration(ms: number): string {
  if (!Number.isFinite(ms)) return "—";
  if (ms < 1) return `${(Math.round(ms * 1000) / 1000).toString()} ms`;
  if (ms < 10) return `${(Math.round(ms * 100) / 100).toString()} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(Math.round(ms / 100) / 10).toString()} s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  if (m < 60) return s ? `${m} min ${s} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

/** Clock time of an epoch ms, with seconds (the 5-minute and trip views need them). */
export function clock(t: number, seconds = true): string {
  const d = new Date(t);
  const p = (n: number) => String(n).padStart(2, "0");
  return seconds ? `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}` : `${p(d.getHours())}:${p(d.getMinutes())}`;
}
