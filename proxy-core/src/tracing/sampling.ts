// The trace decision packed into x-request-id (Envoy's UUID request-id extension, uuid/config.cc): char 14 of
// a 36-char UUID is `a` forced, `b` sampled, `c` client, anything else not traced (`9` when Envoy itself says
// so). The random sampling is stable per request id: the first 8 hex chars as an integer, mod 10000, against
// the percentage × 100. Pure functions on strings; nothing here allocates except withTraceStatus.

export const enum TraceStatus {
  NoTrace = 0,
  Sampled = 1,
  Client = 2,
  Forced = 3,
}

const UUID_LENGTH = 36;
const TRACE_BYTE_POSITION = 14;
const STATUS_CHAR = ["9", "b", "c", "a"] as const;

/** Envoy can record a decision only in a 36-char id. */
export function canCarryStatus(rid: string): boolean {
  return rid.length === UUID_LENGTH;
}

export function traceStatusOf(rid: string): TraceStatus {
  if (rid.length !== UUID_LENGTH) return TraceStatus.NoTrace;
  switch (rid.charCodeAt(TRACE_BYTE_POSITION) | 32) {
    case 97: // a
      return TraceStatus.Forced;
    case 98: // b
      return TraceStatus.Sampled;
    case 99: // c
      return TraceStatus.Client;
    default:
      return TraceStatus.NoTrace;
  }
}

/** The first 8 hex chars of the id as an integer, mod 10000 (Envoy's getInteger(), then `% 10000`); -1 if not hex. */
export function requestIdBucket(rid: string): number {
  if (rid.length < 8) return -1;
  let v = 0;
  for (let i = 0; i < 8; i++) {
    const c = rid.charCodeAt(i) | 32;
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 102) d = c - 87;
    else return -1;
    v = v * 16 + d;
  }
  return v % 10000;
}

export function withTraceStatus(rid: string, status: TraceStatus): string {
  return rid.slice(0, TRACE_BYTE_POSITION) + STATUS_CHAR[status] + rid.slice(TRACE_BYTE_POSITION + 1);
}

/** Envoy's Percent → FractionalPercent(TEN_THOUSAND) numerator: round(value × 100); the default is 100 %. */
export function percentNumerator(p: { value: number } | undefined): number {
  return p === undefined ? 10000 : Math.round(p.value * 100);
}
