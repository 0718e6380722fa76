// Traffic figures as every telemetry view prints them: exact enough to compare, short enough for a cell.

export function fmtRps(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  if (n === 0) return "0";
  if (n < 0.1) return n.toFixed(3).replace(/0+$/, "");
  if (n < 10) return n.toFixed(2).replace(/\.?0+$/, "");
  if (n < 100) return n.toFixed(1).replace(/\.0$/, "");
  return Math.round(n).toLocaleString("en-US");
}

/** A ratio as a percentage with two decimals ("0.35%"), "0%" for none. */
export function fmtRatio(r: number | null | undefined): string {
  if (r === null || r === undefined || !Number.isFinite(r)) return "—";
  if (r === 0) return "0%";
  const p = r * 100;
  return `${p < 0.01 ? "<0.01" : p >= 10 ? p.toFixed(1) : p.toFixed(2)}%`;
}

export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  if (ms < 10_000) return `${Math.round(ms).toLocaleString("en-US")} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Tone of an error ratio: green none, amber under 5%, red above (the publish guard's default). */
export function ratioTone(r: number | null | undefined): "green" | "amber" | "red" | "grey" {
  if (r === null || r === undefined || !Number.isFinite(r)) return "grey";
  return r === 0 ? "green" : r < 0.05 ? "amber" : "red";
}
