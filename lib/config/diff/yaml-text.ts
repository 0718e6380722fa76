// Block-style YAML for JSON values, for the text diff: the `yaml` package builds a document model first and
// takes ~1.5 s for a snapshot of 10,000 routes; this writes the same layout directly, in milliseconds. A
// string is written plain when YAML 1.2 reads it back as that same string, else as a JSON (double-quoted)
// string, which YAML reads as it is; a round trip through `yaml.parse` gives the value back (yaml-text.test.ts).

/** Words YAML 1.1 or 1.2 readers take for booleans or null. */
const RESERVED = /^(true|false|null|~|yes|no|on|off|y|n)$/i;
/** What a YAML 1.1 or 1.2 reader might take for a number or a date: decimals, exponents, hex, octal, binary,
 *  .inf/.nan, sexagesimal (1:30) and dates (2026-11-30). "5s" and "127.0.0.1" stay strings. */
const NUMERIC = [
  /^[-+]?(?=[\d.])[\d_]*(\.[\d_]*)?([eE][-+]?\d+)?$/,
  /^[-+]?0[xob][\da-f_]+$/i,
  /^[-+]?\.(inf|nan)$/i,
  /^[-+]?\d[\d_]*(:[0-5]?\d)+(\.[\d_]*)?$/,
  /^\d{4}-\d\d?-\d\d?/,
];
/** Characters a plain scalar may hold here; anything else is quoted. */
const PLAIN = /^[A-Za-z0-9_./$^\\()*+?|=<>~@%:\- ]+$/;
/** First characters YAML reserves as indicators. */
const INDICATOR = /^[-?:,[\]{}#&*!|>'"%@`]/;

export function scalarText(s: string): string {
  const plain = s !== "" && PLAIN.test(s) && !INDICATOR.test(s) && !RESERVED.test(s) && !NUMERIC.some((r) => r.test(s)) && s.trim() === s && !s.includes(": ") && !s.endsWith(":") && s !== ".";
  return plain ? s : JSON.stringify(s);
}

function scalar(v: unknown): string | null {
  if (v === null) return "null";
  if (typeof v === "string") return scalarText(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return v.length ? null : "[]";
  if (typeof v === "object") return Object.keys(v as object).some((k) => (v as Record<string, unknown>)[k] !== undefined) ? null : "{}";
  return "null";
}

function emit(v: unknown, indent: number, out: string[]) {
  const pad = " ".repeat(indent);
  if (Array.isArray(v)) {
    for (const item of v) {
      const s = scalar(item);
      if (s !== null) {
        out.push(`${pad}- ${s}`);
        continue;
      }
      const start = out.length;
      emit(item, indent + 2, out);
      // the item's first line carries the dash: "- name: a", its other lines stay two columns in
      out[start] = `${pad}- ${out[start].slice(indent + 2)}`;
    }
    return;
  }
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    if (val === undefined) continue;
    const key = scalarText(k);
    const s = scalar(val);
    if (s !== null) out.push(`${pad}${key}: ${s}`);
    else {
      out.push(`${pad}${key}:`);
      emit(val, indent + 2, out);
    }
  }
}

/** `value` (JSON data: objects, arrays, strings, numbers, booleans, null) as block YAML, keys in their order. */
export function toYaml(value: unknown): string {
  const s = scalar(value);
  if (s !== null) return s + "\n";
  const out: string[] = [];
  emit(value, 0, out);
  return out.join("\n") + "\n";
}
