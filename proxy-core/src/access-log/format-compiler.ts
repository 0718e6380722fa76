// Access log formats compiled once per config from the parts src/config/substitution-format.ts parsed: a text
// format is a list of literals and value functions; a format dictionary (json_format) is a tree whose keys are
// sorted, as Envoy's JSON formatter sorts them. Nothing is parsed per log line.
//
// The machinery is generic over what a line describes: an HTTP stream (formatter.ts) or a proxied TCP connection
// (tcp-access-log.ts); each supplies the value functions of its command operators (`OperatorCompiler`).
//
// Values follow Envoy's substitution_formatter.rst: an unset value prints `-` (or "" with omit_empty_values);
// in typed JSON it is null (or the key is left out with omit_empty_values), numeric operators render numbers,
// and an operator mixed with other text always renders a string.
import os from "node:os";
import type { Socket } from "node:net";
import type { SubstitutionFormatString } from "../config/schema";
import { parseSubstitutionFormat, type FormatOperator, type FormatPart } from "../config/substitution-format";

export type LogValue = string | number | null;
/** One command operator, bound to its parameters: reads the finished stream or connection. */
export type ValueOf<T> = (r: T) => LogValue;

/** The value function of a (schema-validated) operator, and whether Envoy renders it as a number. */
export type OperatorCompiler<T> = (op: FormatOperator) => { value: ValueOf<T>; numeric: boolean };

export interface LogFormatter<T> {
  /** the whole log line, newline included when the format has one */
  format(r: T): string;
}

// ---- helpers shared by the operator sets

export const HOSTNAME = os.hostname();
const kConnectionId = Symbol("signalbox.connectionId");
let nextConnectionId = 0;

/** Envoy's CONNECTION_ID: a process-wide counter, given to a connection when first logged. */
export function connectionId(sock: Socket & { [kConnectionId]?: number }): number {
  return (sock[kConnectionId] ??= ++nextConnectionId);
}

/** `ip:port`, with brackets around IPv6 addresses as Envoy prints them. */
export function hostPort(ip: string | undefined, port: number | undefined): string | null {
  if (ip === undefined || port === undefined) return null;
  return ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** Whole milliseconds between two performance.now() readings, null when either is unknown (NaN). */
export const elapsedMs = (from: number, to: number): number | null => (Number.isNaN(from) || Number.isNaN(to) ? null : Math.max(0, Math.floor(to - from)));

// ---- text formats

type TextPart<T> = string | ValueOf<T>;

function compileParts(format: string): FormatPart[] {
  const r = parseSubstitutionFormat(format);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

class TextFormatter<T> implements LogFormatter<T> {
  readonly #parts: readonly TextPart<T>[];
  readonly #empty: string;
  constructor(format: string, omitEmpty: boolean, compile: OperatorCompiler<T>) {
    this.#parts = compileParts(format).map((p) => (typeof p === "string" ? p : compile(p).value));
    this.#empty = omitEmpty ? "" : "-";
  }
  format(r: T): string {
    let out = "";
    for (const p of this.#parts) {
      if (typeof p === "string") out += p;
      else {
        const v = p(r);
        out += v === null ? this.#empty : v;
      }
    }
    return out;
  }
}

// ---- format dictionaries

/** A compiled dictionary node; `write` returns its JSON text, or undefined to leave it out. */
interface JsonNode<T> {
  write(r: T): string | undefined;
}

interface JsonOptions<T> {
  /** numbers stay numbers, unset values are null (log_format.json_format, typed_json_format) */
  typed: boolean;
  omitEmpty: boolean;
  compile: OperatorCompiler<T>;
}

class ObjectNode<T> implements JsonNode<T> {
  constructor(
    /** JSON-encoded keys, sorted */
    readonly keys: readonly string[],
    readonly values: readonly JsonNode<T>[],
  ) {}
  write(r: T): string {
    let out = "{";
    for (let i = 0; i < this.keys.length; i++) {
      const v = this.values[i].write(r);
      if (v === undefined) continue;
      out += (out.length > 1 ? "," : "") + this.keys[i] + ":" + v;
    }
    return out + "}";
  }
}

class ListNode<T> implements JsonNode<T> {
  constructor(readonly items: readonly JsonNode<T>[]) {}
  write(r: T): string {
    let out = "[";
    for (const item of this.items) {
      const v = item.write(r);
      if (v === undefined) continue;
      out += (out.length > 1 ? "," : "") + v;
    }
    return out + "]";
  }
}

const constant = <T>(json: string): JsonNode<T> => ({ write: () => json });

/** A lone operator: typed, its value as is; untyped, always a string ("-" when unset). */
function singleValueNode<T>(op: FormatOperator, o: JsonOptions<T>): JsonNode<T> {
  const { value, numeric } = o.compile(op);
  return {
    write(r) {
      const v = value(r);
      if (v === null) return o.omitEmpty ? undefined : o.typed ? "null" : '"-"';
      if (typeof v === "number") return o.typed && numeric ? String(v) : `"${v}"`;
      return JSON.stringify(v);
    },
  };
}

function compileJsonNode<T>(node: unknown, o: JsonOptions<T>): JsonNode<T> {
  // a literal number: a number in typed dictionaries, its text in the deprecated untyped json_format
  if (typeof node === "number") return constant(o.typed ? JSON.stringify(node) : JSON.stringify(String(node)));
  if (typeof node === "string") {
    const parts = compileParts(node);
    if (parts.length === 1 && typeof parts[0] !== "string") return singleValueNode(parts[0], o);
    if (parts.every((p) => typeof p === "string")) return constant(JSON.stringify(parts.join("")));
    const text = new TextFormatter(node, o.omitEmpty, o.compile);
    return { write: (r) => JSON.stringify(text.format(r)) };
  }
  if (Array.isArray(node)) return new ListNode(node.map((n) => compileJsonNode(n, o)));
  const entries = Object.entries(node as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return new ObjectNode(
    entries.map(([k]) => JSON.stringify(k)),
    entries.map(([, v]) => compileJsonNode(v, o)),
  );
}

class JsonFormatter<T> implements LogFormatter<T> {
  readonly #root: JsonNode<T>;
  constructor(dictionary: Record<string, unknown>, o: JsonOptions<T>) {
    this.#root = compileJsonNode(dictionary, o);
  }
  format(r: T): string {
    return this.#root.write(r) + "\n";
  }
}

// ---- from config

/** What a logger's config says about its format (FileAccessLog also has the deprecated forms). */
export interface FormatConfig {
  format?: string;
  json_format?: Record<string, unknown>;
  typed_json_format?: Record<string, unknown>;
  log_format?: SubstitutionFormatString;
}

/**
 * Builds the formatter of one logger with the given operator set; `readFile` loads a text_format_source.filename,
 * `defaultFormat` is used when the logger has none (Envoy's default line).
 */
export function buildFormatterWith<T>(c: FormatConfig, readFile: (path: string) => string, compile: OperatorCompiler<T>, defaultFormat: string): LogFormatter<T> {
  if (c.json_format !== undefined) return new JsonFormatter(c.json_format, { typed: false, omitEmpty: false, compile });
  if (c.typed_json_format !== undefined) return new JsonFormatter(c.typed_json_format, { typed: true, omitEmpty: false, compile });
  if (c.format !== undefined) return new TextFormatter(c.format === "" ? defaultFormat : c.format, false, compile);
  const lf = c.log_format;
  if (lf === undefined) return new TextFormatter(defaultFormat, false, compile);
  const omitEmpty = lf.omit_empty_values ?? false;
  if (lf.json_format !== undefined) return new JsonFormatter(lf.json_format, { typed: true, omitEmpty, compile });
  const src = lf.text_format_source;
  const text = lf.text_format ?? (src?.inline_string !== undefined ? src.inline_string : readFile(src!.filename!));
  return new TextFormatter(text, omitEmpty, compile);
}
