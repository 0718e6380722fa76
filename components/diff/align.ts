// Two texts aligned line by line for a side-by-side view: unchanged lines face each other, a run of removed
// lines faces the run of added lines that replaces it, and the shorter side is padded with empty cells.
import { diffLines } from "diff";
import { stringify } from "yaml";

export type Format = "json" | "yaml";

export interface AlignedRow {
  left: string | null;
  right: string | null;
  /** same: unchanged; changed: both sides differ; removed / added: one side only */
  kind: "same" | "changed" | "removed" | "added";
}

/** Keys sorted, `name` first (as the canonical YAML of the text diff): both sides line up whatever the key order. */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (!value || typeof value !== "object") return value;
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o).sort((a, b) => (a === "name" ? -1 : b === "name" ? 1 : a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(keys.map((k) => [k, sorted(o[k])]));
}

/** A resource as text: pretty JSON or YAML, keys sorted; absent (null) is no text at all. */
export function render(value: unknown, format: Format): string {
  if (value === null || value === undefined) return "";
  const v = sorted(value);
  return format === "json" ? JSON.stringify(v, null, 2) + "\n" : stringify(v, { lineWidth: 0 });
}

const lines = (s: string) => s.replace(/\n$/, "").split("\n");

export function align(before: string, after: string): AlignedRow[] {
  const rows: AlignedRow[] = [];
  const parts = diffLines(before, after);
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (!p.added && !p.removed) {
      for (const l of lines(p.value)) rows.push({ left: l, right: l, kind: "same" });
      continue;
    }
    if (p.removed && parts[i + 1]?.added) {
      const [l, r] = [lines(p.value), lines(parts[i + 1].value)];
      for (let k = 0; k < Math.max(l.length, r.length); k++)
        rows.push({ left: l[k] ?? null, right: r[k] ?? null, kind: k < l.length && k < r.length ? "changed" : k < l.length ? "removed" : "added" });
      i++;
      continue;
    }
    for (const l of lines(p.value)) rows.push(p.removed ? { left: l, right: null, kind: "removed" } : { left: null, right: l, kind: "added" });
  }
  return rows;
}
