// Access log formatters, compiled once per config from the parts src/config/substitution-format.ts parsed: a
// text format is a list of literals and value functions; a format dictionary (json_format) is a tree whose
// keys are sorted, as Envoy's JSON formatter sorts them. Nothing is parsed per request.
//
// Values follow Envoy's substitution_formatter.rst: an unset value prints `-` (or "" with omit_empty_values);
// in typed JSON it is null (or the key is left out with omit_empty_values), numeric operators render numbers,
// and an operator mixed with other text always renders a string.
import os from "node:os";
import { performance } from "node:perf_hooks";
import type { Socket } from "node:net";
import type { SubstitutionFormatString } from "../config/schema";
import { DEFAULT_ACCESS_LOG_FORMAT, parseSubstitutionFormat, type FormatOperator, type FormatPart } from "../config/substitution-format";
import type { Stream } from "../http/stream";
import { responseFlagsLong, responseFlagsShort } from "../http/response-flags";
import { compileTimeFormat } from "./start-time";
import { requestBodyBytes } from "../http/counting-request";

export type LogValue = string | number | null;
/** One command operator, bound to its parameters: reads the finished stream. */
export type ValueOf = (s: Stream) => LogValue;

export interface LogFormatter {
  /** the whole log line, newline included when the format has one */
  format(s: Stream): string;
}

// ---- command operators

const HOSTNAME = os.hostname();
const kConnectionId = Symbol("signalbox.connectionId");
let nextConnectionId = 0;

/** Envoy's CONNECTION_ID: a process-wide counter, given to a connection when first logged. */
function connectionId(sock: Socket & { [kConnectionId]?: number }): number {
  return (sock[kConnectionId] ??= ++nextConnectionId);
}

function firstHeader(headers: readonly string[] | null, lowerName: string): string | null {
  if (headers === null) return null;
  const n = lowerName.length;
  for (let i = 0; i < headers.length; i += 2) if (headers[i].length === n && headers[i].toLowerCase() === lowerName) return headers[i + 1];
  return null;
}

function requestHeader(s: Stream, name: string): string | null {
  if (name.charCodeAt(0) !== 58 /* : */) return firstHeader(s.headers, name);
  switch (name) {
    case ":method": return s.req.method ?? null;
    case ":path": return s.path ?? s.req.url ?? null;
    case ":authority": return firstHeader(s.headers, "host") ?? (s.host === "" ? null : s.host);
    case ":scheme": return (s.req.socket as { encrypted?: boolean }).encrypted ? "https" : "http";
    default: return null;
  }
}

function responseHeader(s: Stream, name: string): string | null {
  if (name === ":status") return s.res.headersSent ? String(s.res.statusCode) : null;
  return firstHeader(s.responseHeaders, name);
}

/** `ip:port`, with brackets around IPv6 addresses as Envoy prints them. */
function hostPort(ip: string | undefined, port: number | undefined): string | null {
  if (ip === undefined || port === undefined) return null;
  return ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`;
}

const ms = (from: number, to: number): number | null => (Number.isNaN(from) || Number.isNaN(to) ? null : Math.max(0, Math.floor(to - from)));

/** Uncompressed request header bytes as Envoy's header map holds them: pseudo-headers included, host as :authority. */
function requestHeadersBytes(s: Stream): number {
  const h = s.headers;
  let n = 7 + (s.req.method ?? "GET").length + 5 + (s.path ?? s.req.url ?? "/").length + 7 + ((s.req.socket as { encrypted?: boolean }).encrypted ? 5 : 4);
  for (let i = 0; i < h.length; i += 2) n += (h[i].length === 4 && h[i].toLowerCase() === "host" ? 10 : h[i].length) + h[i + 1].length;
  return n;
}

function headerOperator(op: FormatOperator, lookup: (s: Stream, name: string) => string | null): ValueOf {
  const [main, alt] = op.param!.split("?").map((h) => h.toLowerCase());
  const max = op.maxLength;
  return (s) => {
    let v = lookup(s, main);
    if (v === null && alt !== undefined) v = lookup(s, alt);
    return v !== null && max !== null && v.length > max ? v.slice(0, max) : v;
  };
}

/** The value function of a (schema-validated) operator, and whether Envoy renders it as a number. */
export function compileOperator(op: FormatOperator): { value: ValueOf; numeric: boolean } {
  const num = (value: ValueOf) => ({ value, numeric: true });
  const str = (value: ValueOf) => ({ value, numeric: false });
  switch (op.command) {
    case "START_TIME": {
      const f = compileTimeFormat(op.param);
      return str((s) => f(performance.timeOrigin + s.startMs));
    }
    case "REQ":
    case "REQUEST_HEADER": return str(headerOperator(op, requestHeader));
    case "RESP":
    case "RESPONSE_HEADER": return str(headerOperator(op, responseHeader));
    // Signalbox forwards no response trailers downstream, so there never are any to log
    case "TRAILER":
    case "RESPONSE_TRAILER": return str(() => null);
    case "PROTOCOL": return str((s) => `HTTP/${s.req.httpVersion}`);
    case "UPSTREAM_PROTOCOL": return str((s) => (s.upstreamSocket !== null ? "HTTP/1.1" : null));
    case "RESPONSE_CODE": return num((s) => (s.res.headersSent ? s.res.statusCode : 0));
    case "RESPONSE_CODE_DETAILS": return str((s) => (s.details === "" ? null : s.details));
    case "RESPONSE_FLAGS": return str((s) => responseFlagsShort(s.responseFlags));
    case "RESPONSE_FLAGS_LONG": return str((s) => responseFlagsLong(s.responseFlags));
    case "BYTES_RECEIVED": return num((s) => requestBodyBytes(s.req));
    case "BYTES_SENT": return num((s) => s.bytesSent);
    case "REQUEST_HEADERS_BYTES": return num(requestHeadersBytes);
    case "DURATION": return num((s) => ms(s.startMs, s.endMs));
    case "REQUEST_DURATION": return num((s) => ms(s.startMs, s.requestCompleteMs));
    case "RESPONSE_DURATION": return num((s) => ms(s.startMs, s.upstreamResponseMs));
    case "RESPONSE_TX_DURATION": return num((s) => ms(s.upstreamResponseMs, s.endMs));
    case "UPSTREAM_HOST": return str((s) => s.upstreamHost?.label ?? null);
    case "UPSTREAM_CLUSTER":
    case "UPSTREAM_CLUSTER_RAW": return str((s) => s.cluster?.name ?? null);
    case "UPSTREAM_LOCAL_ADDRESS": return str((s) => hostPort(s.upstreamSocket?.localAddress, s.upstreamSocket?.localPort));
    case "UPSTREAM_LOCAL_ADDRESS_WITHOUT_PORT": return str((s) => s.upstreamSocket?.localAddress ?? null);
    case "UPSTREAM_LOCAL_PORT": return num((s) => s.upstreamSocket?.localPort ?? null);
    case "UPSTREAM_REMOTE_ADDRESS": return str((s) => hostPort(s.upstreamSocket?.remoteAddress, s.upstreamSocket?.remotePort));
    case "UPSTREAM_REMOTE_ADDRESS_WITHOUT_PORT": return str((s) => s.upstreamSocket?.remoteAddress ?? null);
    case "UPSTREAM_REMOTE_PORT": return num((s) => s.upstreamSocket?.remotePort ?? null);
    // Envoy prints it with spaces turned into underscores
    case "UPSTREAM_TRANSPORT_FAILURE_REASON": return str((s) => (s.transportFailure === "" ? null : s.transportFailure.replace(/ /g, "_")));
    case "UPSTREAM_REQUEST_ATTEMPT_COUNT": return num((s) => s.attempts);
    // no PROXY protocol or x-forwarded-for trust here: the direct peer is the downstream address
    case "DOWNSTREAM_REMOTE_ADDRESS":
    case "DOWNSTREAM_DIRECT_REMOTE_ADDRESS": return str((s) => hostPort(s.req.socket.remoteAddress, s.req.socket.remotePort));
    case "DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT":
    case "DOWNSTREAM_DIRECT_REMOTE_ADDRESS_WITHOUT_PORT": return str((s) => s.req.socket.remoteAddress ?? null);
    case "DOWNSTREAM_REMOTE_PORT":
    case "DOWNSTREAM_DIRECT_REMOTE_PORT": return num((s) => s.req.socket.remotePort ?? null);
    case "DOWNSTREAM_LOCAL_ADDRESS":
    case "DOWNSTREAM_DIRECT_LOCAL_ADDRESS": return str((s) => hostPort(s.req.socket.localAddress, s.req.socket.localPort));
    case "DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT":
    case "DOWNSTREAM_DIRECT_LOCAL_ADDRESS_WITHOUT_PORT": return str((s) => s.req.socket.localAddress ?? null);
    case "DOWNSTREAM_LOCAL_PORT":
    case "DOWNSTREAM_DIRECT_LOCAL_PORT": return num((s) => s.req.socket.localPort ?? null);
    case "ROUTE_NAME": return str((s) => s.route?.config.name ?? null);
    // virtual_clusters are not supported, so no request ever matches one
    case "VIRTUAL_CLUSTER_NAME": return str(() => null);
    case "HOSTNAME": return str(() => HOSTNAME);
    case "CONNECTION_ID": return num((s) => connectionId(s.req.socket));
    case "TRACE_ID": return str((s) => s.traceId);
    // Envoy passes an empty body for responses that are not local replies
    case "LOCAL_REPLY_BODY": return str((s) => (s.localReplyBody === null ? "" : String(s.localReplyBody)));
    default: throw new Error(`command operator ${op.text} has no implementation`);
  }
}

// ---- text formats

type TextPart = string | ValueOf;

function compileParts(format: string): FormatPart[] {
  const r = parseSubstitutionFormat(format);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

class TextFormatter implements LogFormatter {
  readonly #parts: readonly TextPart[];
  readonly #empty: string;
  constructor(format: string, omitEmpty: boolean) {
    this.#parts = compileParts(format).map((p) => (typeof p === "string" ? p : compileOperator(p).value));
    this.#empty = omitEmpty ? "" : "-";
  }
  format(s: Stream): string {
    let out = "";
    for (const p of this.#parts) {
      if (typeof p === "string") out += p;
      else {
        const v = p(s);
        out += v === null ? this.#empty : v;
      }
    }
    return out;
  }
}

// ---- format dictionaries

/** A compiled dictionary node; `write` returns its JSON text, or undefined to leave it out. */
interface JsonNode {
  write(s: Stream): string | undefined;
}

interface JsonOptions {
  /** numbers stay numbers, unset values are null (log_format.json_format, typed_json_format) */
  typed: boolean;
  omitEmpty: boolean;
}

class ObjectNode implements JsonNode {
  constructor(
    /** JSON-encoded keys, sorted */
    readonly keys: readonly string[],
    readonly values: readonly JsonNode[],
  ) {}
  write(s: Stream): string {
    let out = "{";
    for (let i = 0; i < this.keys.length; i++) {
      const v = this.values[i].write(s);
      if (v === undefined) continue;
      out += (out.length > 1 ? "," : "") + this.keys[i] + ":" + v;
    }
    return out + "}";
  }
}

class ListNode implements JsonNode {
  constructor(readonly items: readonly JsonNode[]) {}
  write(s: Stream): string {
    let out = "[";
    for (const item of this.items) {
      const v = item.write(s);
      if (v === undefined) continue;
      out += (out.length > 1 ? "," : "") + v;
    }
    return out + "]";
  }
}

const constant = (json: string): JsonNode => ({ write: () => json });

/** A lone operator: typed, its value as is; untyped, always a string ("-" when unset). */
function singleValueNode(op: FormatOperator, o: JsonOptions): JsonNode {
  const { value, numeric } = compileOperator(op);
  return {
    write(s) {
      const v = value(s);
      if (v === null) return o.omitEmpty ? undefined : o.typed ? "null" : '"-"';
      if (typeof v === "number") return o.typed && numeric ? String(v) : `"${v}"`;
      return JSON.stringify(v);
    },
  };
}

function compileJsonNode(node: unknown, o: JsonOptions): JsonNode {
  // a literal number: a number in typed dictionaries, its text in the deprecated untyped json_format
  if (typeof node === "number") return constant(o.typed ? JSON.stringify(node) : JSON.stringify(String(node)));
  if (typeof node === "string") {
    const parts = compileParts(node);
    if (parts.length === 1 && typeof parts[0] !== "string") return singleValueNode(parts[0], o);
    if (parts.every((p) => typeof p === "string")) return constant(JSON.stringify(parts.join("")));
    const text = new TextFormatter(node, o.omitEmpty);
    return { write: (s) => JSON.stringify(text.format(s)) };
  }
  if (Array.isArray(node)) return new ListNode(node.map((n) => compileJsonNode(n, o)));
  const entries = Object.entries(node as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return new ObjectNode(
    entries.map(([k]) => JSON.stringify(k)),
    entries.map(([, v]) => compileJsonNode(v, o)),
  );
}

class JsonFormatter implements LogFormatter {
  readonly #root: JsonNode;
  constructor(dictionary: Record<string, unknown>, o: JsonOptions) {
    this.#root = compileJsonNode(dictionary, o);
  }
  format(s: Stream): string {
    return this.#root.write(s) + "\n";
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

/** Builds the formatter of one logger; `readFile` loads a text_format_source.filename. */
export function buildFormatter(c: FormatConfig, readFile: (path: string) => string): LogFormatter {
  if (c.json_format !== undefined) return new JsonFormatter(c.json_format, { typed: false, omitEmpty: false });
  if (c.typed_json_format !== undefined) return new JsonFormatter(c.typed_json_format, { typed: true, omitEmpty: false });
  if (c.format !== undefined) return new TextFormatter(c.format === "" ? DEFAULT_ACCESS_LOG_FORMAT : c.format, false);
  const lf = c.log_format;
  if (lf === undefined) return new TextFormatter(DEFAULT_ACCESS_LOG_FORMAT, false);
  const omitEmpty = lf.omit_empty_values ?? false;
  if (lf.json_format !== undefined) return new JsonFormatter(lf.json_format, { typed: true, omitEmpty });
  const src = lf.text_format_source;
  const text = lf.text_format ?? (src?.inline_string !== undefined ? src.inline_string : readFile(src!.filename!));
  return new TextFormatter(text, omitEmpty);
}
