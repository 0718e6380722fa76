// The HTTP access log formatter: the command operators of an HTTP stream (Envoy's substitution_formatter.rst),
// compiled by the generic text/JSON machinery of format-compiler.ts. Nothing is parsed per request.
import { performance } from "node:perf_hooks";
import { DEFAULT_ACCESS_LOG_FORMAT, type FormatOperator } from "../config/substitution-format";
import type { Stream } from "../http/stream";
import { responseFlagsLong, responseFlagsShort } from "../http/response-flags";
import { compileTimeFormat } from "./start-time";
import { requestBodyBytes } from "../http/counting-request";
import { HOSTNAME, buildFormatterWith, connectionId, elapsedMs as ms, hostPort, type FormatConfig, type LogFormatter as FormatterOf, type ValueOf as ValueOfRecord } from "./format-compiler";

export type { FormatConfig, LogValue } from "./format-compiler";
/** One command operator, bound to its parameters: reads the finished stream. */
export type ValueOf = ValueOfRecord<Stream>;
export type LogFormatter = FormatterOf<Stream>;

// ---- command operators

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
    // the virtual cluster the router counted the request in (router/virtual-clusters.ts); `other` is one too
    case "VIRTUAL_CLUSTER_NAME": return str((s) => s.virtualCluster?.name ?? null);
    case "HOSTNAME": return str(() => HOSTNAME);
    case "CONNECTION_ID": return num((s) => connectionId(s.req.socket));
    case "TRACE_ID": return str((s) => s.traceId);
    // Envoy passes an empty body for responses that are not local replies
    case "LOCAL_REPLY_BODY": return str((s) => (s.localReplyBody === null ? "" : String(s.localReplyBody)));
    default: throw new Error(`command operator ${op.text} has no implementation`);
  }
}

/** Builds the formatter of one HCM logger; `readFile` loads a text_format_source.filename. */
export function buildFormatter(c: FormatConfig, readFile: (path: string) => string): LogFormatter {
  return buildFormatterWith(c, readFile, compileOperator, DEFAULT_ACCESS_LOG_FORMAT);
}
