// Shared primitives of the Envoy v3 subset: durations, wrapper types, enums, repeated fields, addresses, data
// sources. They accept the spellings Envoy's config loader accepts, so every schema built from them does too.
//
// Envoy reads a YAML bootstrap by turning it into JSON and handing that to protobuf's JSON parser
// (MessageUtil::loadFromYaml → loadFromJson, source/common/protobuf/yaml_utility.cc) with
// `case_insensitive_enum_parsing = true`. protobuf's JsonStringToMessage (src/google/protobuf/json/json.cc)
// always sets `allow_legacy_syntax = true`, and its parser (json/internal/parser.cc) then also takes the object
// form of well-known types (`{seconds, nanos}` for a Duration, `{value}` for a wrapper) and a single element where
// a repeated field is expected. Each helper below keeps one of those rules and produces the canonical form, so the
// runtime only ever sees `"1.5s"`, bare wrapper values, upper-case enum names and arrays.
import { z } from "zod";
import { isDuration } from "./duration";
import { isPlainObject } from "./warnings";
import { BindPort, UpstreamPort } from "./schema-limits";

export const TYPE_PREFIX = "type.googleapis.com/";
export const HCM_TYPE = TYPE_PREFIX + "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
export const ROUTER_TYPE = TYPE_PREFIX + "envoy.extensions.filters.http.router.v3.Router";

const DURATION_MESSAGE = 'must be a duration such as "0.25s" or {seconds, nanos}';

/** `{seconds, nanos}` (google.protobuf.Duration as a message, ints or int strings) → `"1.5s"`; anything else as is. */
export function durationFromObject(v: unknown): unknown {
  if (!isPlainObject(v) || Object.keys(v).some((k) => k !== "seconds" && k !== "nanos")) return v;
  const int = (x: unknown) => (x === undefined ? 0 : typeof x === "number" || (typeof x === "string" && /^-?\d+$/.test(x)) ? Number(x) : NaN);
  const seconds = int(v.seconds);
  const nanos = int(v.nanos);
  if (!Number.isSafeInteger(seconds) || !Number.isInteger(nanos) || nanos < 0 || nanos > 999_999_999) return v;
  const fraction = nanos === 0 ? "" : "." + String(nanos).padStart(9, "0").replace(/0+$/, "");
  return `${seconds}${fraction}s`;
}

/** google.protobuf.Duration: `"0.25s"`, or `{seconds, nanos}` (read as the same string). */
export const Duration = z.preprocess(durationFromObject, z.string({ error: DURATION_MESSAGE }).refine(isDuration, { message: DURATION_MESSAGE }));

/** `{value: x}` → `x` (a wrapper type written as a message); anything else as is. */
export function unwrapValue(v: unknown): unknown {
  return isPlainObject(v) && Object.keys(v).length === 1 && "value" in v ? v.value : v;
}

/**
 * A field the proto declares as a google.protobuf wrapper (UInt32Value, BoolValue, DoubleValue …): the bare value,
 * or `{value}`. Only for fields that really are wrappers: a plain `uint32` written as `{value: 5}` is refused by
 * Envoy too.
 */
export function wrapped<T extends z.ZodType>(inner: T) {
  return z.preprocess(unwrapValue, inner);
}

/**
 * A repeated field (`repeated(z.array(X))`): a single element where the list belongs is read as a list of one, as
 * protobuf's parser does in legacy mode ("The original ESF parser permits a single element in place of an array
 * thereof", ParseField in json/internal/parser.cc). Envoy 1.16 ran `circuit_breakers: {thresholds: {…}}` that way,
 * and current Envoy still does.
 */
export function repeated<A extends z.ZodType<unknown[]>>(array: A) {
  return z.preprocess((v) => (v === undefined || v === null || Array.isArray(v) ? v : [v]), array);
}

const ENUM_NAME = /^[A-Z][A-Za-z0-9_]*$/;

/**
 * An Envoy proto enum. Envoy parses enum names case-insensitively and also takes the value's number (`1` or
 * `"1"`), so `codec_type: auto` and `codec_type: 0` are AUTO. `numbers` gives the proto numbers where they are
 * not the position in `[...supported, ...knownUnsupported]`. Values Envoy knows but Signalbox does not implement
 * get "X is not supported".
 *
 * A list whose values do not look like enum names (`tls`, `envoy.tracers.zipkin`) holds names of things, which
 * Envoy compares exactly: see envoyName.
 */
export function envoyEnum<const T extends readonly [string, ...string[]]>(supported: T, knownUnsupported: readonly string[] = [], numbers: Record<string, number> = {}) {
  const all = [...supported, ...knownUnsupported];
  if (!all.every((v) => ENUM_NAME.test(v))) return envoyName(supported, knownUnsupported);
  const byNumber = new Map(all.map((v, i) => [numbers[v] ?? i, v]));
  const byUpper = new Map(all.map((v) => [v.toUpperCase(), v]));
  const canonical = (v: unknown) => {
    if (typeof v === "number") return byNumber.get(v) ?? String(v);
    if (typeof v !== "string") return v;
    if (/^-?\d+$/.test(v)) return byNumber.get(Number(v)) ?? v;
    return byUpper.get(v.toUpperCase()) ?? v;
  };
  return z.preprocess(canonical, oneOf(supported, knownUnsupported)) as unknown as z.ZodType<T[number]>;
}

/** A string field that names something (a tracer, a transport protocol, a response flag): compared exactly. */
export function envoyName<const T extends readonly [string, ...string[]]>(supported: T, knownUnsupported: readonly string[] = []) {
  return oneOf(supported, knownUnsupported) as unknown as z.ZodType<T[number]>;
}

function oneOf(supported: readonly string[], knownUnsupported: readonly string[]) {
  return z.string().superRefine((v, ctx) => {
    if (supported.includes(v)) return;
    ctx.addIssue({
      code: "custom",
      message: knownUnsupported.includes(v)
        ? `${v} is not supported (supported: ${supported.join(", ")})`
        : `unknown value ${JSON.stringify(v)} (supported: ${supported.join(", ")})`,
    });
  });
}

/** 0–65535 (a listener's 0 picks a free port; port_redirect's 0: unset, as proto3 reads it): schema-limits.ts */
export const Port = BindPort;
const UINT32_MESSAGE = "must be a whole number between 0 and 4294967295";
export const UInt32 = z.number(UINT32_MESSAGE).int(UINT32_MESSAGE).min(0, UINT32_MESSAGE).max(4294967295, UINT32_MESSAGE);
/** google.protobuf.UInt32Value */
export const UInt32Value = wrapped(UInt32);
/** google.protobuf.BoolValue */
export const BoolValue = wrapped(z.boolean());

export const SocketAddress = z.strictObject({
  address: z.string().min(1, "required"),
  port_value: Port,
  protocol: envoyEnum(["TCP"], ["UDP"]).optional(),
});

/** Where a listener or the admin interface binds (port 0 picks a free port). */
export const Address = z.strictObject({ socket_address: SocketAddress });

/** An upstream endpoint's address: the same fields, on a port that can be connected to (1–65535). */
export const UpstreamAddress = z.strictObject({ socket_address: SocketAddress.extend({ port_value: UpstreamPort }) });

/**
 * The name Signalbox gives a listener written without one: its address, `127.0.0.1_8080` (`[::1]_8080` for
 * IPv6). Envoy names such a listener with a random UUID (ListenerManagerImpl::addOrUpdateListener); a name
 * derived from the address is stable across SIGHUP reloads and console versions, so the listener keeps its socket.
 */
export function listenerNameFor(address: { socket_address: { address: string; port_value: number } }): string {
  const { address: host, port_value } = address.socket_address;
  return `${host.includes(":") ? `[${host}]` : host}_${port_value}`;
}

/**
 * A file the worker opens (a DataSource's `filename`, a file access log's `path`), wherever its process can reach,
 * as Envoy reads it (the operator's trust boundary), but never one with a NUL (which no file system path holds),
 * CR or LF: Envoy's base.proto checks DataSource.filename with `well_known_regex: HTTP_HEADER_VALUE, strict: false`
 * (no NUL, CR, LF).
 */
export const FilePath = z
  .string()
  .min(1)
  .regex(/^[^\0\r\n]*$/, "a file path cannot contain a NUL byte or a line break");

export const DataSource = z
  .strictObject({ inline_string: z.string().optional(), filename: FilePath.optional() })
  .refine((d) => (d.inline_string === undefined) !== (d.filename === undefined), {
    message: "exactly one of inline_string or filename is required",
  });


export type SocketAddress = z.infer<typeof SocketAddress>;
