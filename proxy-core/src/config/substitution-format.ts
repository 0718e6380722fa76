// Envoy's substitution format strings (docs/root/configuration/advanced/substitution_formatter.rst), parsed the
// way SubstitutionFormatParser::parse does it: literal text, `%%` for a literal percent sign, and command
// operators `%COMMAND(PARAM):LENGTH%`. A `%` that starts no valid operator, an unknown operator, or an operator
// with parameters or a length it does not take is refused, as Envoy refuses them at config load. Pure code: the
// schema uses it to report problems with their path, src/access-log/formatter.ts compiles the parts it returns.

export interface FormatOperator {
  /** e.g. "REQ", "START_TIME" */
  readonly command: string;
  /** the text between the parentheses, null without them */
  readonly param: string | null;
  /** `:Z` truncation (REQ, RESP, TRAILER only) */
  readonly maxLength: number | null;
  /** the operator as written, for messages */
  readonly text: string;
}

/** A literal string or a command operator. */
export type FormatPart = string | FormatOperator;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; message: string };

const enum Params {
  None,
  Optional,
  Required,
}

interface Syntax {
  params: Params;
  /** `:Z` truncation allowed */
  length: boolean;
}

const ONLY: Syntax = { params: Params.None, length: false };
const HEADER: Syntax = { params: Params.Required, length: true };
const OPTIONAL: Syntax = { params: Params.Optional, length: false };

/** The operators Signalbox evaluates, with Envoy's syntax rules (CommandSyntaxChecker flags). */
export const SUPPORTED_OPERATORS: Readonly<Record<string, Syntax>> = {
  START_TIME: OPTIONAL,
  REQ: HEADER,
  REQUEST_HEADER: HEADER,
  RESP: HEADER,
  RESPONSE_HEADER: HEADER,
  TRAILER: HEADER,
  RESPONSE_TRAILER: HEADER,
  PROTOCOL: ONLY,
  UPSTREAM_PROTOCOL: ONLY,
  RESPONSE_CODE: ONLY,
  RESPONSE_CODE_DETAILS: OPTIONAL,
  RESPONSE_FLAGS: ONLY,
  RESPONSE_FLAGS_LONG: ONLY,
  BYTES_RECEIVED: ONLY,
  BYTES_SENT: ONLY,
  REQUEST_HEADERS_BYTES: ONLY,
  RESPONSE_HEADERS_BYTES: ONLY,
  DURATION: ONLY,
  REQUEST_DURATION: ONLY,
  RESPONSE_DURATION: ONLY,
  RESPONSE_TX_DURATION: ONLY,
  UPSTREAM_HOST: ONLY,
  UPSTREAM_CLUSTER: ONLY,
  UPSTREAM_CLUSTER_RAW: ONLY,
  UPSTREAM_LOCAL_ADDRESS: ONLY,
  UPSTREAM_LOCAL_ADDRESS_WITHOUT_PORT: ONLY,
  UPSTREAM_LOCAL_PORT: ONLY,
  UPSTREAM_REMOTE_ADDRESS: ONLY,
  UPSTREAM_REMOTE_ADDRESS_WITHOUT_PORT: ONLY,
  UPSTREAM_REMOTE_PORT: ONLY,
  UPSTREAM_TRANSPORT_FAILURE_REASON: ONLY,
  UPSTREAM_REQUEST_ATTEMPT_COUNT: ONLY,
  DOWNSTREAM_REMOTE_ADDRESS: ONLY,
  DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT: ONLY,
  DOWNSTREAM_REMOTE_PORT: ONLY,
  DOWNSTREAM_DIRECT_REMOTE_ADDRESS: ONLY,
  DOWNSTREAM_DIRECT_REMOTE_ADDRESS_WITHOUT_PORT: ONLY,
  DOWNSTREAM_DIRECT_REMOTE_PORT: ONLY,
  DOWNSTREAM_LOCAL_ADDRESS: ONLY,
  DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT: ONLY,
  DOWNSTREAM_LOCAL_PORT: ONLY,
  DOWNSTREAM_DIRECT_LOCAL_ADDRESS: ONLY,
  DOWNSTREAM_DIRECT_LOCAL_ADDRESS_WITHOUT_PORT: ONLY,
  DOWNSTREAM_DIRECT_LOCAL_PORT: ONLY,
  ROUTE_NAME: ONLY,
  VIRTUAL_CLUSTER_NAME: ONLY,
  HOSTNAME: ONLY,
  CONNECTION_ID: ONLY,
  TRACE_ID: ONLY,
  LOCAL_REPLY_BODY: ONLY,
};

/** Envoy operators Signalbox does not evaluate: refused as "not supported" rather than "unknown". */
const ENVOY_ONLY = new Set(
  (
    "START_TIME_LOCAL EMIT_TIME EMIT_TIME_LOCAL COMMON_DURATION REQUEST_TX_DURATION ROUNDTRIP_DURATION " +
    "DOWNSTREAM_HANDSHAKE_DURATION UPSTREAM_CONNECTION_POOL_READY_DURATION BYTES_RETRANSMITTED PACKETS_RETRANSMITTED " +
    "RESPONSE_TRAILERS_BYTES UPSTREAM_WIRE_BYTES_SENT UPSTREAM_WIRE_BYTES_RECEIVED UPSTREAM_HEADER_BYTES_SENT " +
    "UPSTREAM_HEADER_BYTES_RECEIVED UPSTREAM_DECOMPRESSED_HEADER_BYTES_SENT UPSTREAM_DECOMPRESSED_HEADER_BYTES_RECEIVED " +
    "DOWNSTREAM_WIRE_BYTES_SENT DOWNSTREAM_WIRE_BYTES_RECEIVED DOWNSTREAM_HEADER_BYTES_SENT DOWNSTREAM_HEADER_BYTES_RECEIVED " +
    "DOWNSTREAM_DECOMPRESSED_HEADER_BYTES_SENT DOWNSTREAM_DECOMPRESSED_HEADER_BYTES_RECEIVED CONNECTION_TERMINATION_DETAILS " +
    "UPSTREAM_HOST_NAME UPSTREAM_HOST_NAME_WITHOUT_PORT UPSTREAM_REMOTE_ADDRESS_ENDPOINT_ID DOWNSTREAM_LOCAL_ADDRESS_ENDPOINT_ID " +
    "DOWNSTREAM_DIRECT_LOCAL_ADDRESS_ENDPOINT_ID DOWNSTREAM_TRANSPORT_FAILURE_REASON DOWNSTREAM_LOCAL_CLOSE_REASON " +
    "DOWNSTREAM_DETECTED_CLOSE_TYPE UPSTREAM_CONNECTION_ID STREAM_ID GRPC_STATUS GRPC_STATUS_NUMBER DYNAMIC_METADATA " +
    "CLUSTER_METADATA UPSTREAM_METADATA METADATA FILTER_STATE UPSTREAM_FILTER_STATE REQUESTED_SERVER_NAME " +
    "DOWNSTREAM_LOCAL_IP_SAN DOWNSTREAM_PEER_IP_SAN DOWNSTREAM_LOCAL_DNS_SAN DOWNSTREAM_PEER_DNS_SAN DOWNSTREAM_LOCAL_URI_SAN " +
    "DOWNSTREAM_PEER_URI_SAN DOWNSTREAM_LOCAL_EMAIL_SAN DOWNSTREAM_PEER_EMAIL_SAN DOWNSTREAM_LOCAL_OTHERNAME_SAN " +
    "DOWNSTREAM_PEER_OTHERNAME_SAN DOWNSTREAM_LOCAL_SUBJECT DOWNSTREAM_PEER_SUBJECT DOWNSTREAM_PEER_ISSUER " +
    "DOWNSTREAM_TLS_SESSION_ID DOWNSTREAM_TLS_CIPHER DOWNSTREAM_TLS_VERSION DOWNSTREAM_PEER_FINGERPRINT_256 " +
    "DOWNSTREAM_PEER_FINGERPRINT_1 DOWNSTREAM_PEER_SERIAL DOWNSTREAM_PEER_CHAIN_FINGERPRINTS_256 " +
    "DOWNSTREAM_PEER_CHAIN_FINGERPRINTS_1 DOWNSTREAM_PEER_CHAIN_SERIALS DOWNSTREAM_PEER_CERT DOWNSTREAM_PEER_CERT_V_START " +
    "DOWNSTREAM_PEER_CERT_V_END TLS_JA3_FINGERPRINT TLS_JA4_FINGERPRINT UPSTREAM_PEER_SUBJECT UPSTREAM_PEER_ISSUER " +
    "UPSTREAM_TLS_SESSION_ID UPSTREAM_TLS_CIPHER UPSTREAM_TLS_VERSION UPSTREAM_PEER_CERT UPSTREAM_PEER_CERT_V_START " +
    "UPSTREAM_PEER_CERT_V_END UPSTREAM_PEER_URI_SAN UPSTREAM_PEER_DNS_SAN UPSTREAM_PEER_IP_SAN UPSTREAM_LOCAL_URI_SAN " +
    "UPSTREAM_LOCAL_DNS_SAN UPSTREAM_LOCAL_IP_SAN FILTER_CHAIN_NAME ACCESS_LOG_TYPE UNIQUE_ID ENVIRONMENT QUERY_PARAM PATH " +
    "CUSTOM_FLAGS COALESCE CEL TYPED_CEL REQ_WITHOUT_QUERY"
  ).split(" "),
);

/** Envoy's default access log format (SubstitutionFormatUtils::DEFAULT_FORMAT, access_log/usage.rst). */
export const DEFAULT_ACCESS_LOG_FORMAT =
  '[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" ' +
  "%RESPONSE_CODE% %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %DURATION% " +
  "%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% " +
  '"%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" ' +
  '"%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%"\n';

// COMMAND(PARAM):LENGTH between percent signs; PARAM cannot contain ")" (Envoy's commandWithArgsRegex)
const OPERATOR = /%([A-Z0-9_]+)(?:\(([^)]*)\))?(?::([0-9]+))?%/y;

/** Splits a format string into literals and checked operators; the first problem wins. */
export function parseSubstitutionFormat(format: string): ParseResult<FormatPart[]> {
  const parts: FormatPart[] = [];
  let literal = "";
  let pos = 0;
  while (pos < format.length) {
    const next = format.indexOf("%", pos);
    if (next < 0) {
      literal += format.slice(pos);
      break;
    }
    literal += format.slice(pos, next);
    if (format.charCodeAt(next + 1) === 37 /* % */) {
      literal += "%";
      pos = next + 2;
      continue;
    }
    OPERATOR.lastIndex = next;
    const m = OPERATOR.exec(format);
    if (m === null) return { ok: false, message: `no valid command operator at position ${next} (a literal "%" is written "%%")` };
    const op: FormatOperator = { command: m[1], param: m[2] === undefined || m[2] === "" ? null : m[2], maxLength: m[3] === undefined ? null : Number(m[3]), text: m[0] };
    const problem = checkOperator(op);
    if (problem !== null) return { ok: false, message: problem };
    if (literal !== "") parts.push(literal);
    literal = "";
    parts.push(op);
    pos = next + m[0].length;
  }
  if (literal !== "") parts.push(literal);
  return { ok: true, value: parts };
}

function checkOperator(op: FormatOperator): string | null {
  const syntax = SUPPORTED_OPERATORS[op.command];
  if (syntax === undefined) {
    return ENVOY_ONLY.has(op.command) ? `command operator ${op.text} is not supported by Signalbox` : `unknown command operator ${op.text}`;
  }
  // Envoy's CommandSyntaxChecker::verifySyntax messages
  if (syntax.params === Params.None && (op.param !== null || op.maxLength !== null)) return `${op.text}: ${op.command} does not take any parameters or length`;
  if (syntax.params === Params.Required && op.param === null) return `${op.text}: ${op.command} requires parameters`;
  if (!syntax.length && op.maxLength !== null) return `${op.text}: ${op.command} does not allow length to be specified`;
  if (syntax === HEADER) {
    if (op.param!.split("?").length > 2) return `${op.text}: more than 1 alternative header specified`;
    if (op.param!.includes("\n")) return `${op.text}: a header name cannot contain a newline`;
  } else if (op.command === "START_TIME" && op.param !== null) {
    const t = parseTimeFormat(op.param);
    if (!t.ok) return `${op.text}: ${t.message}`;
  } else if (op.command === "RESPONSE_CODE_DETAILS" && op.param !== null && op.param !== "ALLOW_WHITESPACES") {
    return `${op.text}: the only parameter is ALLOW_WHITESPACES`;
  }
  return null;
}

/** A START_TIME format piece: literal text, or a conversion such as "Y", "S", "E3S" or "3f". */
export type TimePart = string | { spec: string; digits: number };

// strftime conversions (absl::FormatTime) plus Envoy's %s and %f / %1f … %9f
const TIME_SPECS = new Set(["Y", "y", "C", "m", "d", "e", "H", "I", "M", "S", "p", "j", "a", "A", "b", "B", "h", "Z", "z", "Ez", "T", "D", "F", "R", "u", "w", "t", "s"]);

/**
 * Parses a START_TIME format (`%Y-%m-%dT%H:%M:%E3SZ` is the default). `%E#S`/`%E*S` are seconds with # (or all)
 * fraction digits, `%f`/`%#f` the fraction alone. `%n` is refused: Envoy forbids newlines in time formats.
 */
export function parseTimeFormat(format: string): ParseResult<TimePart[]> {
  const out: TimePart[] = [];
  let literal = "";
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    if (c !== "%") {
      literal += c;
      continue;
    }
    const rest = format.slice(i + 1);
    const m = /^(?:(E)([1-9*])([Sf])|([1-9])?f|(Ez)|(%)|([A-Za-z]))/.exec(rest);
    if (m === null) return { ok: false, message: `incomplete time conversion at the end of "${format}"` };
    i += m[0].length;
    if (m[6] !== undefined) {
      literal += "%";
      continue;
    }
    let part: TimePart;
    if (m[1] !== undefined) part = { spec: `E${m[3]}`, digits: m[2] === "*" ? -1 : Number(m[2]) };
    else if (m[4] !== undefined || m[0] === "f") part = { spec: "f", digits: m[4] === undefined ? 9 : Number(m[4]) };
    else if (m[5] !== undefined) part = { spec: "Ez", digits: 0 };
    else if (m[7] === "n") return { ok: false, message: "a time format cannot contain a newline (%n)" };
    else if (!TIME_SPECS.has(m[7])) return { ok: false, message: `time conversion %${m[7]} is not supported` };
    else part = { spec: m[7], digits: 0 };
    if (literal !== "") out.push(literal);
    literal = "";
    out.push(part);
  }
  if (literal !== "") out.push(literal);
  return { ok: true, value: out };
}
