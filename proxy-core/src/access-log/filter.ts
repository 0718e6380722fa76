// AccessLogFilter (envoy.config.accesslog.v3, source/common/access_log/access_log_impl.cc), compiled once into a
// predicate over what a line describes: an HTTP stream, or a proxied TCP connection (tcp-access-log.ts).
import type { AccessLogFilter, ComparisonFilter } from "../config/schema";
import type { Stream } from "../http/stream";
import { responseFlagBits } from "../http/response-flags";
import { isHealthCheck } from "../http/filters/health-check/health-check-mark";

export type LogFilter<T = Stream> = (r: T) => boolean;

/** What the filters read from a finished stream or connection. */
export interface FilterInputs<T> {
  /** the response code, 0 when none was sent */
  statusCode(r: T): number;
  durationMs(r: T): number;
  responseFlags(r: T): number;
  /** marked by the health_check HTTP filter (StreamInfo::healthCheck()); absent for TCP connections */
  healthCheck?(r: T): boolean;
}

const STREAM_INPUTS: FilterInputs<Stream> = {
  // no response sent: Envoy compares 0
  statusCode: (s) => (s.res.headersSent ? s.res.statusCode : 0),
  durationMs: (s) => Math.floor(s.endMs - s.startMs),
  responseFlags: (s) => s.responseFlags,
  healthCheck: isHealthCheck,
};

/** ComparisonFilter: access log filters are compiled without the runtime, so the value is `default_value` (0 when unset). */
function comparison(c: ComparisonFilter): (v: number) => boolean {
  const target = c.value.default_value ?? 0;
  switch (c.op ?? "EQ") {
    case "GE": return (v) => v >= target;
    case "LE": return (v) => v <= target;
    case "NE": return (v) => v !== target;
    default: return (v) => v === target;
  }
}

/** The filter of an HCM access log. */
export function compileFilter(f: AccessLogFilter): LogFilter {
  return compileFilterFor(f, STREAM_INPUTS);
}

export function compileFilterFor<T>(f: AccessLogFilter, inputs: FilterInputs<T>): LogFilter<T> {
  if (f.status_code_filter !== undefined) {
    const cmp = comparison(f.status_code_filter.comparison);
    return (r) => cmp(inputs.statusCode(r));
  }
  if (f.duration_filter !== undefined) {
    const cmp = comparison(f.duration_filter.comparison);
    return (r) => cmp(inputs.durationMs(r));
  }
  // only the health_check HTTP filter marks a request as a health check
  if (f.not_health_check_filter !== undefined) {
    const hc = inputs.healthCheck;
    return hc === undefined ? () => true : (r) => !hc(r);
  }
  if (f.response_flag_filter !== undefined) {
    const bits = responseFlagBits(f.response_flag_filter.flags ?? []);
    // without flags, any flag passes
    return bits === 0 ? (r) => inputs.responseFlags(r) !== 0 : (r) => (inputs.responseFlags(r) & bits) !== 0;
  }
  if (f.and_filter !== undefined) {
    const all = f.and_filter.filters.map((c) => compileFilterFor(c, inputs));
    return (r) => all.every((p) => p(r));
  }
  const any = f.or_filter!.filters.map((c) => compileFilterFor(c, inputs));
  return (r) => any.some((p) => p(r));
}
