// Envoy's local replies (spec §6): exact status and body; content-type text/plain only when there is a body.
import type { ServerResponse } from "node:http";

export const RESET_PREFIX = "upstream connect error or disconnect/reset before headers. reset reason: ";

export const LocalBodies = {
  noHealthyUpstream: "no healthy upstream",
  overflow: RESET_PREFIX + "overflow",
  connectionTimeout: RESET_PREFIX + "connection timeout",
  connectionRefused: RESET_PREFIX + "remote connection failure, transport failure reason: delayed connect error: Connection refused",
  connectionTermination: RESET_PREFIX + "connection termination",
  protocolError: RESET_PREFIX + "protocol error",
  timeout: "upstream request timeout",
} as const;

/** After ≥1 retry Envoy says so in the reset body (router.cc `is_retry_`). */
export const RETRIED_RESET_PREFIX = "upstream connect error or disconnect/reset before headers. retried and the latest reset reason: ";

/** `extra`: more response headers (redirect `location`, the route's response_headers_to_add). */
export function sendLocalReply(res: ServerResponse, serverName: string, status: number, body: string | Buffer, overloaded = false, extra: readonly string[] | null = null) {
  if (res.headersSent) {
    // the response already started: all Envoy can do is reset the stream
    res.destroy();
    return;
  }
  const len = typeof body === "string" ? Buffer.byteLength(body) : body.length;
  const headers: string[] = ["server", serverName, "content-length", String(len)];
  if (len > 0) headers.push("content-type", "text/plain");
  if (overloaded) headers.push("x-envoy-overloaded", "true");
  if (extra !== null) for (const h of extra) headers.push(h);
  res.writeHead(status, headers);
  res.end(len > 0 && res.req.method !== "HEAD" ? body : undefined);
}

/** Maps an undici error to Envoy's reset-reason reply. */
export function resetReply(err: Error & { code?: string }, connected: boolean): { status: number; body: string } {
  const code = err.code ?? "";
  if (code === "UND_ERR_CONNECT_TIMEOUT") return { status: 503, body: LocalBodies.connectionTimeout };
  if (!connected) {
    if (code === "ECONNREFUSED") return { status: 503, body: LocalBodies.connectionRefused };
    const reason = code ? `${code}` : err.message;
    return { status: 503, body: `${RESET_PREFIX}remote connection failure, transport failure reason: delayed connect error: ${reason}` };
  }
  if (code.startsWith("HPE_") || code === "UND_ERR_RES_CONTENT_LENGTH_MISMATCH" || code === "UND_ERR_HEADERS_OVERFLOW") return { status: 502, body: LocalBodies.protocolError };
  return { status: 503, body: LocalBodies.connectionTermination };
}
