// The limits of the config contract, in one place: the worker loads its config with them and the console's API and
// forms validate with the same schemas, so all three accept and refuse the same values in the same words. Every
// message names its limit ("at most 253 characters"), so a refusal says what would be accepted.
import { z } from "zod";

/**
 * Listener, cluster, virtual host and route names: at most 253 characters, the longest DNS name (RFC 1035), so
 * every cluster named after a service's FQDN (Kubernetes and Istio name clusters so) fits. Envoy itself has had
 * no bound since its stats moved to symbol tables (the `--max-obj-name-len` flag, default 60, is gone), so a bound
 * any longer would refuse nothing real; this one keeps a pasted blob out of stat names and tables (the console
 * truncates long names with a tooltip).
 */
export const NAME_MAX_CHARS = 253;

/**
 * The characters of a name that ends up in stat names (listener, cluster, virtual host, route stat_prefix):
 * visible ASCII except ':'. Envoy's Stats::Utility::sanitizeStatsName (source/common/stats/utility.cc) writes ':'
 * (reserved in statsd) as '_', so `a:b` would keep its stats as `a_b` and the console, which charts by name, would
 * not find them; whitespace and control characters break the admin `/stats` text (`name: value` lines) and
 * Prometheus' exposition format.
 */
const STAT_NAME_CHARS = /^[!-9;-~]*$/;
export const STAT_NAME_CHARS_MESSAGE = "may contain only visible ASCII characters other than ':' (no spaces: the name is part of stat names, where Envoy writes ':' as '_')";

/**
 * A route's `name` is not part of any stat (its stat_prefix is): Envoy shows it in access logs (%ROUTE_NAME%) and
 * traces only, so spaces are fine; control characters would split a log line.
 */
const LOG_NAME_CHARS = /^[^\p{Cc}]*$/u;
export const LOG_NAME_CHARS_MESSAGE = "must not contain control characters such as line breaks (the name is written into access log lines)";

const NAME_MAX_MESSAGE = `must be at most ${NAME_MAX_CHARS} characters`;

/** A listener, cluster or virtual host name (required), or a route's stat_prefix (where "" means none). */
export const StatName = z.string().max(NAME_MAX_CHARS, NAME_MAX_MESSAGE).regex(STAT_NAME_CHARS, STAT_NAME_CHARS_MESSAGE);
/** A route's name. */
export const RouteName = z.string().max(NAME_MAX_CHARS, NAME_MAX_MESSAGE).regex(LOG_NAME_CHARS, LOG_NAME_CHARS_MESSAGE);

/**
 * Ports. A listener (and the admin interface) may bind port 0, which Envoy and the worker read as "any free port"
 * (the OS picks one; admin /listeners shows it): the console publishes such listeners when several workers share a
 * machine. An upstream endpoint on port 0 can never be connected to, so endpoints take 1–65535.
 */
export const BIND_PORT_MESSAGE = "must be a port between 0 and 65535";
export const UPSTREAM_PORT_MESSAGE = "must be a port between 1 and 65535";
export const BindPort = z.number(BIND_PORT_MESSAGE).int(BIND_PORT_MESSAGE).min(0, BIND_PORT_MESSAGE).max(65535, BIND_PORT_MESSAGE);
export const UpstreamPort = z.number(UPSTREAM_PORT_MESSAGE).int(UPSTREAM_PORT_MESSAGE).min(1, UPSTREAM_PORT_MESSAGE).max(65535, UPSTREAM_PORT_MESSAGE);

/**
 * A direct response's inline body: at most 4096 bytes, the default of Envoy's
 * RouteConfiguration.max_direct_response_body_size_bytes ("If not specified, the default is 4096"); Envoy refuses a
 * longer body when it loads the route. Counted in UTF-8 bytes, as Envoy counts them.
 */
export const DIRECT_RESPONSE_BODY_MAX_BYTES = 4096;

/**
 * Header names and values in header mutations, matchers and health checks: at most 16384 bytes each, the bound of
 * Envoy's own proto validation (config/core/v3/base.proto HeaderValue: `key` and `value` `max_bytes: 16384`). CR, LF
 * and NUL are refused as Envoy's non-strict HTTP_HEADER_NAME / HTTP_HEADER_VALUE rules refuse them: they would let a
 * value start a new header.
 */
export const HEADER_MAX_BYTES = 16384;

/**
 * Regexes: at most 1024 characters. Envoy bounds an RE2 program by its size (safe_regex's max_program_size,
 * default 100 instructions, re2.max_program_size.error_level); regexes run as JS RegExp here, which has no program
 * size to measure, so the source length is bounded instead. Each RE2 instruction takes at least one character of
 * source except inside a counted repetition, and RE2 refuses counts above 1000 (re2Problem in schema-route.ts), so
 * 1024 characters keep what Envoy's default accepts while refusing the pathological.
 */
export const REGEX_MAX_CHARS = 1024;

const encoder = new TextEncoder();
/** UTF-8 length, as Envoy's `max_bytes` rules count. */
export const utf8Bytes = (s: string): number => encoder.encode(s).length;

/** A string of at most `max` UTF-8 bytes. */
export function maxBytes(max: number) {
  return (s: string) => utf8Bytes(s) <= max;
}

export const maxBytesMessage = (max: number) => `must be at most ${max} bytes`;

const NO_CR_LF_NUL = /^[^\r\n\0]*$/;
const HEADER_CHARS_MESSAGE = "must not contain CR, LF or NUL";

/** A header name (non-empty) or value: Envoy's size bound and no CR/LF/NUL. */
export const HeaderName = z
  .string()
  .min(1)
  .refine(maxBytes(HEADER_MAX_BYTES), maxBytesMessage(HEADER_MAX_BYTES))
  .regex(NO_CR_LF_NUL, HEADER_CHARS_MESSAGE);
export const HeaderValue = z.string().refine(maxBytes(HEADER_MAX_BYTES), maxBytesMessage(HEADER_MAX_BYTES)).regex(NO_CR_LF_NUL, HEADER_CHARS_MESSAGE);
