// AccessLogFilter (envoy.config.accesslog.v3, source/common/access_log/access_log_impl.cc), compiled once into a
// predicate over the finished stream.
import type { AccessLogFilter, ComparisonFilter } from "../config/schema";
import type { Stream } from "../http/stream";
import { responseFlagBits } from "../http/response-flags";

export type LogFilter = (s: Stream) => boolean;

/** ComparisonFilter: Signalbox has no runtime layer, so the value is always `default_value` (0 when unset). */
function comparison(c: ComparisonFilter): (v: number) => boolean {
  const target = c.value.default_value ?? 0;
  switch (c.op ?? "EQ") {
    case "GE": return (v) => v >= target;
    case "LE": return (v) => v <= target;
    case "NE": return (v) => v !== target;
    default: return (v) => v === target;
  }
}

export function compileFilter(f: AccessLogFilter): LogFilter {
  if (f.status_code_filter !== undefined) {
    const cmp = comparison(f.status_code_filter.comparison);
    // no response sent: Envoy compares 0
    return (s) => cmp(s.res.headersSent ? s.res.statusCode : 0);
  }
  if (f.duration_filter !== undefined) {
    const cmp = comparison(f.duration_filter.comparison);
    return (s) => cmp(Math.floor(s.endMs - s.startMs));
  }
  // only Envoy's health_check HTTP filter marks a request as a health check, and Signalbox has none
  if (f.not_health_check_filter !== undefined) return () => true;
  if (f.response_flag_filter !== undefined) {
    const bits = responseFlagBits(f.response_flag_filter.flags ?? []);
    // without flags, any flag passes
    return bits === 0 ? (s) => s.responseFlags !== 0 : (s) => (s.responseFlags & bits) !== 0;
  }
  if (f.and_filter !== undefined) {
    const all = f.and_filter.filters.map(compileFilter);
    return (s) => all.every((p) => p(s));
  }
  const any = f.or_filter!.filters.map(compileFilter);
  return (s) => any.some((p) => p(s));
}
