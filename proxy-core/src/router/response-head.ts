// The head of a response the router forwards: the upstream's headers minus the per-hop ones, Envoy's `server`
// and `x-envoy-upstream-service-time` (router.cc `onUpstreamHeaders`). Raw header buffers in, a flat
// name/value list out, without lower-casing names that cannot be skipped.

// response headers that are per hop, `server`, which Envoy overwrites, and an upstream Envoy's
// x-envoy-upstream-service-time, which this hop overwrites with its own (router.cc setEnvoyUpstreamServiceTime)
const SKIP_RESPONSE = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "server", "x-envoy-upstream-service-time"]);
// lengths of those names: every other header skips the lower-casing and the set lookup
const SKIP_LENGTH = new Uint8Array(64);
const SERVICE_TIME = "x-envoy-upstream-service-time";
for (const n of SKIP_RESPONSE) SKIP_LENGTH[n.length] = 1;

/** `requestCompleteMs` is NaN while the downstream request is still arriving: Envoy then sets no service time. */
export function forwardedResponseHeaders(raw: readonly Buffer[], serverName: string, requestCompleteMs: number, nowMs: number): string[] {
  const out: string[] = [];
  const ours = !Number.isNaN(requestCompleteMs);
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toString("latin1");
    if (SKIP_LENGTH[name.length] === 1 && SKIP_RESPONSE.has(name.toLowerCase()) && (ours || name.length !== SERVICE_TIME.length)) continue;
    out.push(name, raw[i + 1].toString("latin1"));
  }
  out.push("server", serverName);
  // set only once the whole downstream request had been received (router.cc), overwriting an upstream's
  if (!Number.isNaN(requestCompleteMs)) out.push("x-envoy-upstream-service-time", String(Math.round(nowMs - requestCompleteMs)));
  return out;
}

export function hasHeader(raw: readonly Buffer[], lowerName: string): boolean {
  for (let i = 0; i < raw.length; i += 2) if (raw[i].length === lowerName.length && raw[i].toString("latin1").toLowerCase() === lowerName) return true;
  return false;
}
