// One runtime value as Envoy's runtime keeps it (source/common/runtime/runtime_impl.cc, SnapshotImpl::createEntry):
// the raw string /runtime shows, plus the typed readings derived from it once, when the layer is loaded, so a
// lookup on the request path is a Map.get and a field read.
//
// How a value becomes typed, as in Envoy:
// - a number: a double; a uint when >= 0 (floored); a bool when it is an integer (`0` is false);
// - a bool: a bool only (raw "true"/"false");
// - a string: a number when it parses as one, nothing else (Envoy's reject_invalid_yaml, on by default, stopped
//   reading "true" or "{numerator: …}" strings as bools or fractions);
// - an object: a FractionalPercent when its only fields are `numerator` and a `denominator` name (an empty object is
//   0/HUNDRED); raw is protobuf's DebugString of the Struct, which is what Envoy's /runtime prints for it.
import YAML from "yaml";

export const DENOMINATORS = { HUNDRED: 100, TEN_THOUSAND: 10_000, MILLION: 1_000_000 } as const;
export type DenominatorName = keyof typeof DENOMINATORS;

/** envoy.type.v3.FractionalPercent with the denominator as its number (100, 10000 or 1000000). */
export interface Fraction {
  readonly numerator: number;
  readonly denominator: number;
}

export interface RuntimeEntry {
  /** what /runtime shows and `get()` returns */
  readonly raw: string;
  readonly bool: boolean | null;
  readonly uint: number | null;
  readonly double: number | null;
  readonly fraction: Fraction | null;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
const INT_MAX = 2 ** 31 - 1;
const UINT64_MAX = 2 ** 64;

function blank(raw: string): Mutable<RuntimeEntry> {
  return { raw, bool: null, uint: null, double: null, fraction: null };
}

/** Envoy's setNumberValue: double always, bool for an int-sized integer, uint for a non-negative value. */
function setNumber(e: Mutable<RuntimeEntry>, d: number) {
  e.double = d;
  if (d < INT_MAX && d > -INT_MAX - 1 && d === Math.trunc(d)) e.bool = d !== 0;
  if (d >= 0 && d <= UINT64_MAX) e.uint = Math.floor(d);
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/** absl::SimpleAtod: a decimal number (surrounding whitespace allowed), `inf`/`infinity`, `nan`. */
export function parseDouble(s: string): number | null {
  const t = s.trim();
  if (DECIMAL.test(t)) return Number(t);
  const l = t.toLowerCase().replace(/^\+/, "");
  if (l === "inf" || l === "infinity") return Infinity;
  if (l === "-inf" || l === "-infinity") return -Infinity;
  if (l === "nan" || l === "-nan") return NaN;
  return null;
}

/** absl::StrCat(double): six significant digits, %g style ("10000", "0.5", "1e+06"). */
export function sixDigits(d: number): string {
  if (Number.isNaN(d)) return "nan";
  if (!Number.isFinite(d)) return d > 0 ? "inf" : "-inf";
  if (d === 0) return "0";
  const [mantissa, expText] = d.toExponential(5).split("e");
  const exp = Number(expText);
  const trim = (m: string) => (m.includes(".") ? m.replace(/0+$/, "").replace(/\.$/, "") : m);
  if (exp < -4 || exp >= 6) return `${trim(mantissa)}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  return trim(d.toFixed(5 - exp));
}

/** protobuf's SimpleDtoa (shortest round-trip), as TextFormat prints a Struct's number_value. */
function shortest(d: number): string {
  if (Number.isNaN(d)) return "nan";
  if (!Number.isFinite(d)) return d > 0 ? "inf" : "-inf";
  return String(d);
}

/** protobuf DebugString of a google.protobuf.Value's content (TextFormat: two-space indents, map keys sorted). */
function valueDebug(v: unknown, indent: string): string {
  const next = indent + "  ";
  if (v === null) return `${indent}null_value: NULL_VALUE\n`;
  if (typeof v === "number") return `${indent}number_value: ${shortest(v)}\n`;
  if (typeof v === "string") return `${indent}string_value: ${JSON.stringify(v)}\n`;
  if (typeof v === "boolean") return `${indent}bool_value: ${v}\n`;
  if (Array.isArray(v)) return `${indent}list_value {\n${v.map((x) => `${next}values {\n${valueDebug(x, next + "  ")}${next}}\n`).join("")}${indent}}\n`;
  return `${indent}struct_value {\n${structDebug(v as Record<string, unknown>, next)}${indent}}\n`;
}

export function structDebug(s: Record<string, unknown>, indent = ""): string {
  const inner = indent + "  ";
  return Object.keys(s)
    .sort()
    .map((k) => `${indent}fields {\n${inner}key: ${JSON.stringify(k)}\n${inner}value {\n${valueDebug(s[k], inner + "  ")}${inner}}\n${indent}}\n`)
    .join("");
}

/** Envoy's parseFractionValue: only `numerator` (a number) and `denominator` (a name) fields; HUNDRED by default. */
function fractionOf(s: Record<string, unknown>): Fraction | null {
  let numerator = 0;
  let denominator: number = DENOMINATORS.HUNDRED;
  for (const [k, v] of Object.entries(s)) {
    if (k === "numerator") {
      if (typeof v === "number") numerator = Math.max(0, Math.trunc(v));
    } else if (k === "denominator" && typeof v === "string") {
      if (!(v in DENOMINATORS)) return null;
      denominator = DENOMINATORS[v as DenominatorName];
    } else return null;
  }
  return { numerator, denominator };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** SnapshotImpl::createEntry for a google.protobuf.Value; `raw` (when given) is what the operator wrote. */
export function entryFromValue(v: unknown, raw = ""): RuntimeEntry {
  if (typeof v === "number") {
    const e = blank(raw || sixDigits(v));
    setNumber(e, v);
    return e;
  }
  if (typeof v === "boolean") return { ...blank(raw || String(v)), bool: v };
  if (typeof v === "string") {
    const e = blank(raw || v);
    const d = parseDouble(e.raw);
    if (d !== null) setNumber(e, d);
    return e;
  }
  if (isObject(v)) return { ...blank(raw || structDebug(v)), fraction: fractionOf(v) };
  // a list or null (only from the admin layer: a static layer refuses them at load) keeps its raw text only
  return blank(raw);
}

/**
 * A static_layer (a google.protobuf.Struct) flattened as Envoy's ProtoLayer::walkProtoValue does: nested objects
 * become dotted keys (`envoy.resource_limits.listener.x.connection_limit`), except an object that is empty or has
 * `numerator`/`denominator` (a FractionalPercent). A list or null is refused: the returned `error` is Envoy's message.
 */
export function flattenStaticLayer(layer: Record<string, unknown>): { entries: Map<string, RuntimeEntry>; error: string | null; errorKey: string | null } {
  const entries = new Map<string, RuntimeEntry>();
  const walk = (v: unknown, key: string): string | null => {
    if (v === null || v === undefined || Array.isArray(v)) return key;
    if (isObject(v)) {
      const keys = Object.keys(v);
      if (keys.length === 0 || "numerator" in v || "denominator" in v) entries.set(key, entryFromValue(v));
      else for (const k of keys) {
        const bad = walk(v[k], `${key}.${k}`);
        if (bad !== null) return bad;
      }
      return null;
    }
    entries.set(key, entryFromValue(v));
    return null;
  };
  for (const [k, v] of Object.entries(layer)) {
    const bad = walk(v, k);
    if (bad !== null) return { entries, error: `Invalid runtime entry value for ${bad}`, errorKey: bad };
  }
  return { entries, error: null, errorKey: null };
}

const YAML_TRUE = new Set(["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]);
const YAML_FALSE = new Set(["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"]);
const YAML_NULL = new Set(["~", "null", "Null", "NULL"]);
const INTEGER = /^[+-]?(?:\d+|0x[0-9a-fA-F]+)$/;

/**
 * A YAML scalar as Envoy's ValueUtil::loadFromYaml types it (yaml-cpp's conversions): a quoted scalar is a string;
 * yes/no/on/off/true/false (any of yaml-cpp's spellings) a bool; an integer a number when it fits an int32 and a
 * string of its digits otherwise; anything else (a float included) a string.
 */
function yamlScalar(text: string, quoted: boolean): unknown {
  if (quoted) return text;
  if (YAML_TRUE.has(text)) return true;
  if (YAML_FALSE.has(text)) return false;
  if (YAML_NULL.has(text)) return null;
  if (INTEGER.test(text)) {
    const n = /0x/i.test(text) ? (text.startsWith("-") ? -1 : 1) * parseInt(text.replace(/^[+-]/, ""), 16) : Number(text);
    return n >= -INT_MAX - 1 && n <= INT_MAX ? n : String(n);
  }
  return text;
}

function fromYamlNode(node: unknown): unknown {
  if (YAML.isScalar(node)) {
    const text = node.source ?? String(node.value);
    return yamlScalar(text, node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE");
  }
  if (YAML.isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const p of node.items) out[String(YAML.isScalar(p.key) ? p.key.value : p.key)] = fromYamlNode(p.value);
    return out;
  }
  if (YAML.isSeq(node)) return node.items.map(fromYamlNode);
  return null;
}

/**
 * A value set through /runtime_modify (AdminLayer::mergeValues): read as YAML into a protobuf Value, the raw
 * string kept as written. Throws with YAML's message when the text is not YAML.
 */
export function entryFromAdminString(text: string): RuntimeEntry {
  const doc = YAML.parseDocument(text, { keepSourceTokens: true });
  if (doc.errors.length > 0) throw new Error(doc.errors[0].message.split("\n")[0]);
  return entryFromValue(fromYamlNode(doc.contents), text);
}
