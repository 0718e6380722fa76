// Envoy's JSON mapping of google.protobuf.Duration is a string of seconds with an "s" suffix ("0.25s", "15s").

const DURATION_RE = /^(\d+)(\.\d{1,9})?s$/;

export function isDuration(value: string): boolean {
  return DURATION_RE.test(value);
}

/** Converts "1.5s" to 1500 (milliseconds). Throws on a malformed value (validate first). */
export function durationToMs(value: string): number {
  const m = DURATION_RE.exec(value);
  if (!m) throw new Error(`malformed duration ${JSON.stringify(value)}`);
  return Number(m[1]) * 1000 + (m[2] ? Number(m[2]) * 1000 : 0);
}

/** Converts a duration field that may be absent, with Envoy's default. */
export function durationOr(value: string | undefined, defaultMs: number): number {
  return value === undefined ? defaultMs : durationToMs(value);
}
