// %START_TIME(FORMAT)%: Envoy's DateFormatter, i.e. absl::FormatTime (strftime conversions, %E#S, %Ez) in UTC plus
// Envoy's own %s (epoch seconds) and %f / %1f … %9f (fraction digits). The format is compiled once; without one,
// Envoy prints `%Y-%m-%dT%H:%M:%E3SZ` (AccessLogDateTimeFormatter), which is exactly Date#toISOString.
import { parseTimeFormat, type TimePart } from "../config/substitution-format";

const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/** Epoch milliseconds (with a sub-millisecond fraction) → the formatted start time. */
export type TimeFormatter = (epochMs: number) => string;

// Envoy's default format, built from a per-second prefix ("2026-11-30T07:11:30.") so that most requests only
// append their milliseconds: formatting a Date per request was the access log's largest cost (Envoy caches the
// seconds part of its formatted times the same way, CachedTimeFormatter in common/common/utility.cc)
let isoSecond = NaN;
let isoPrefix = "";
const isoTime: TimeFormatter = (epochMs) => {
  const ms = Math.floor(epochMs);
  const second = Math.floor(ms / 1000);
  if (second !== isoSecond) {
    isoSecond = second;
    isoPrefix = new Date(second * 1000).toISOString().slice(0, 20);
  }
  return `${isoPrefix}${pad3(ms - second * 1000)}Z`;
};

/** Compiles a START_TIME format validated by the schema; null or "" is Envoy's default. */
export function compileTimeFormat(format: string | null): TimeFormatter {
  if (format === null || format === "" || format === "%Y-%m-%dT%H:%M:%E3SZ") return isoTime;
  const r = parseTimeFormat(format);
  if (!r.ok) throw new Error(r.message);
  const parts = r.value;
  return (epochMs) => {
    const d = new Date(epochMs);
    // nanoseconds within the second, from the millisecond clock and its fraction
    const ns = Math.floor((epochMs - Math.floor(epochMs / 1000) * 1000) * 1e6);
    let out = "";
    for (const p of parts) out += typeof p === "string" ? p : conversion(p, d, ns, epochMs);
    return out;
  };
}

function fraction(ns: number, digits: number): string {
  const nine = String(ns).padStart(9, "0");
  if (digits >= 0) return nine.slice(0, digits);
  return nine.replace(/0+$/, "");
}

function conversion(p: Exclude<TimePart, string>, d: Date, ns: number, epochMs: number): string {
  const h = d.getUTCHours();
  switch (p.spec) {
    case "Y": return String(d.getUTCFullYear());
    case "y": return pad2(d.getUTCFullYear() % 100);
    case "C": return pad2(Math.floor(d.getUTCFullYear() / 100));
    case "m": return pad2(d.getUTCMonth() + 1);
    case "d": return pad2(d.getUTCDate());
    case "e": return String(d.getUTCDate()).padStart(2, " ");
    case "H": return pad2(h);
    case "I": return pad2(h % 12 === 0 ? 12 : h % 12);
    case "M": return pad2(d.getUTCMinutes());
    case "S": return pad2(d.getUTCSeconds());
    case "p": return h < 12 ? "AM" : "PM";
    case "j": return pad3(Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1);
    case "a": return DAYS[d.getUTCDay()].slice(0, 3);
    case "A": return DAYS[d.getUTCDay()];
    case "b":
    case "h": return MONTHS[d.getUTCMonth()].slice(0, 3);
    case "B": return MONTHS[d.getUTCMonth()];
    case "Z": return "UTC";
    case "z": return "+0000";
    case "Ez": return "+00:00";
    case "T": return `${pad2(h)}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
    case "D": return `${pad2(d.getUTCMonth() + 1)}/${pad2(d.getUTCDate())}/${pad2(d.getUTCFullYear() % 100)}`;
    case "F": return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
    case "R": return `${pad2(h)}:${pad2(d.getUTCMinutes())}`;
    case "u": return String(d.getUTCDay() === 0 ? 7 : d.getUTCDay());
    case "w": return String(d.getUTCDay());
    case "t": return "\t";
    case "s": return String(Math.floor(epochMs / 1000));
    case "f": return fraction(ns, p.digits);
    case "ES": {
      const f = fraction(ns, p.digits);
      return f === "" ? pad2(d.getUTCSeconds()) : `${pad2(d.getUTCSeconds())}.${f}`;
    }
    case "Ef": return fraction(ns, p.digits);
    default: return "";
  }
}
