// Envoy's response flags (%RESPONSE_FLAGS%, the `response_flags` span tag): one bit each on Stream.responseFlags,
// set where the proxy knows the reason (router, HCM), so access logs and tracing read the same value. The table
// is Envoy's CORE_RESPONSE_FLAGS (source/common/stream_info/utility.h) in its order, which is also the order the
// flags are printed in ("UF,URX") and the list ResponseFlagFilter accepts (accesslog.proto).

export const ResponseFlag = {
  FailedLocalHealthCheck: 1 << 0,
  NoHealthyUpstream: 1 << 1,
  UpstreamRequestTimeout: 1 << 2,
  LocalReset: 1 << 3,
  UpstreamRemoteReset: 1 << 4,
  UpstreamConnectionFailure: 1 << 5,
  UpstreamConnectionTermination: 1 << 6,
  UpstreamOverflow: 1 << 7,
  NoRouteFound: 1 << 8,
  DelayInjected: 1 << 9,
  FaultInjected: 1 << 10,
  RateLimited: 1 << 11,
  UnauthorizedExternalService: 1 << 12,
  RateLimitServiceError: 1 << 13,
  DownstreamConnectionTermination: 1 << 14,
  UpstreamRetryLimitExceeded: 1 << 15,
  StreamIdleTimeout: 1 << 16,
  InvalidEnvoyRequestHeaders: 1 << 17,
  DownstreamProtocolError: 1 << 18,
  UpstreamMaxStreamDurationReached: 1 << 19,
  ResponseFromCacheFilter: 1 << 20,
  NoFilterConfigFound: 1 << 21,
  DurationTimeout: 1 << 22,
  UpstreamProtocolError: 1 << 23,
  NoClusterFound: 1 << 24,
  OverloadManager: 1 << 25,
  DnsResolutionFailed: 1 << 26,
  DropOverload: 1 << 27,
  DownstreamRemoteReset: 1 << 28,
  UnconditionalDropOverload: 1 << 29,
} as const;

/** [short name, long name (%RESPONSE_FLAGS_LONG%), bit], in Envoy's order. */
export const RESPONSE_FLAGS: readonly (readonly [string, string, number])[] = [
  ["LH", "FailedLocalHealthCheck", ResponseFlag.FailedLocalHealthCheck],
  ["UH", "NoHealthyUpstream", ResponseFlag.NoHealthyUpstream],
  ["UT", "UpstreamRequestTimeout", ResponseFlag.UpstreamRequestTimeout],
  ["LR", "LocalReset", ResponseFlag.LocalReset],
  ["UR", "UpstreamRemoteReset", ResponseFlag.UpstreamRemoteReset],
  ["UF", "UpstreamConnectionFailure", ResponseFlag.UpstreamConnectionFailure],
  ["UC", "UpstreamConnectionTermination", ResponseFlag.UpstreamConnectionTermination],
  ["UO", "UpstreamOverflow", ResponseFlag.UpstreamOverflow],
  ["NR", "NoRouteFound", ResponseFlag.NoRouteFound],
  ["DI", "DelayInjected", ResponseFlag.DelayInjected],
  ["FI", "FaultInjected", ResponseFlag.FaultInjected],
  ["RL", "RateLimited", ResponseFlag.RateLimited],
  ["UAEX", "UnauthorizedExternalService", ResponseFlag.UnauthorizedExternalService],
  ["RLSE", "RateLimitServiceError", ResponseFlag.RateLimitServiceError],
  ["DC", "DownstreamConnectionTermination", ResponseFlag.DownstreamConnectionTermination],
  ["URX", "UpstreamRetryLimitExceeded", ResponseFlag.UpstreamRetryLimitExceeded],
  ["SI", "StreamIdleTimeout", ResponseFlag.StreamIdleTimeout],
  ["IH", "InvalidEnvoyRequestHeaders", ResponseFlag.InvalidEnvoyRequestHeaders],
  ["DPE", "DownstreamProtocolError", ResponseFlag.DownstreamProtocolError],
  ["UMSDR", "UpstreamMaxStreamDurationReached", ResponseFlag.UpstreamMaxStreamDurationReached],
  ["RFCF", "ResponseFromCacheFilter", ResponseFlag.ResponseFromCacheFilter],
  ["NFCF", "NoFilterConfigFound", ResponseFlag.NoFilterConfigFound],
  ["DT", "DurationTimeout", ResponseFlag.DurationTimeout],
  ["UPE", "UpstreamProtocolError", ResponseFlag.UpstreamProtocolError],
  ["NC", "NoClusterFound", ResponseFlag.NoClusterFound],
  ["OM", "OverloadManagerTerminated", ResponseFlag.OverloadManager],
  ["DF", "DnsResolutionFailed", ResponseFlag.DnsResolutionFailed],
  ["DO", "DropOverload", ResponseFlag.DropOverload],
  ["DR", "DownstreamRemoteReset", ResponseFlag.DownstreamRemoteReset],
  ["UDO", "UnconditionalDropOverload", ResponseFlag.UnconditionalDropOverload],
];

/** The short names ResponseFlagFilter accepts (accesslog.proto validates `flags` against this list). */
export const RESPONSE_FLAG_NAMES: readonly string[] = RESPONSE_FLAGS.map((f) => f[0]);

/** `%RESPONSE_FLAGS%`: comma-separated short names, `-` when none (ResponseFlagUtils::toShortString). */
export function responseFlagsShort(bits: number): string {
  if (bits === 0) return "-";
  let out = "";
  for (const [short, , bit] of RESPONSE_FLAGS) if (bits & bit) out = out === "" ? short : `${out},${short}`;
  return out;
}

/** `%RESPONSE_FLAGS_LONG%`: comma-separated Pascal-case names, `-` when none. */
export function responseFlagsLong(bits: number): string {
  if (bits === 0) return "-";
  let out = "";
  for (const [, long, bit] of RESPONSE_FLAGS) if (bits & bit) out = out === "" ? long : `${out},${long}`;
  return out;
}

/** The bits of short flag names (validated names only). */
export function responseFlagBits(names: readonly string[]): number {
  let bits = 0;
  for (const n of names) bits |= RESPONSE_FLAGS.find((f) => f[0] === n)?.[2] ?? 0;
  return bits;
}
