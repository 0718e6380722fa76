// Envoy's local replies (http/utility.cc): exact status and body; content-type text/plain only when there is a body.
import type { ServerResponse } from "node:http";
import { kStream, type StreamRes } from "../http/stream";
import { ResponseFlag } from "../http/response-flags";
import { applyMutations, type FormatContext, type HeaderMutation } from "./header-mutation";

/** A route's response header mutations (response_headers_to_add/remove at every level) and their format context. */
export interface ReplyMutations {
  levels: readonly (HeaderMutation | null)[];
  format: FormatContext;
}

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

/**
 * `extra`: more response headers (a redirect's `location`). `mutations`: the route's response header mutations,
 * applied to the whole head as Envoy applies them to its local replies, so OVERWRITE_IF_EXISTS_OR_ADD replaces
 * the reply's own content-type instead of adding a second one.
 */
export function sendLocalReply(res: ServerResponse, serverName: string, status: number, body: string | Buffer, overloaded = false, extra: readonly string[] | null = null, mutations: ReplyMutations | null = null) {
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
  if (mutations !== null) applyMutations(mutations.levels, headers, mutations.format);
  const withBody = len > 0 && res.req.method !== "HEAD";
  const s = (res as StreamRes)[kStream];
  if (s === undefined) {
    res.writeHead(status, headers);
    res.end(withBody ? body : undefined);
    return;
  }
  // through the encoder filters, like any response; access logs read %LOCAL_REPLY_BODY% from here
  s.localReplyBody = body;
  s.writeHead(status, headers);
  s.endBody(withBody ? body : undefined);
}

/** An upstream reset as Envoy's router reports it: the local reply, the response flag, the reset reason. */
export interface ResetOutcome {
  status: number;
  body: string;
  /** Envoy's streamResetReasonToResponseFlag: UF, UC or UPE */
  flag: number;
  /** Http::Utility::resetReasonToString, e.g. "remote connection failure" */
  reason: string;
  /** the transport failure reason ("delayed connect error: Connection refused"), "" if none */
  transportFailure: string;
}

/** Maps an undici error to Envoy's reset-reason reply. */
export function resetReply(err: Error & { code?: string }, connected: boolean): ResetOutcome {
  const code = err.code ?? "";
  const failure = ResponseFlag.UpstreamConnectionFailure;
  if (code === "UND_ERR_CONNECT_TIMEOUT") return { status: 503, body: LocalBodies.connectionTimeout, flag: failure, reason: "connection timeout", transportFailure: "" };
  if (!connected) {
    const transportFailure = `delayed connect error: ${code === "ECONNREFUSED" ? "Connection refused" : code || err.message}`;
    const body = code === "ECONNREFUSED" ? LocalBodies.connectionRefused : `${RESET_PREFIX}remote connection failure, transport failure reason: ${transportFailure}`;
    return { status: 503, body, flag: failure, reason: "remote connection failure", transportFailure };
  }
  if (code.startsWith("HPE_") || code === "UND_ERR_RES_CONTENT_LENGTH_MISMATCH" || code === "UND_ERR_HEADERS_OVERFLOW")
    return { status: 502, body: LocalBodies.protocolError, flag: ResponseFlag.UpstreamProtocolError, reason: "protocol error", transportFailure: "" };
  return { status: 503, body: LocalBodies.connectionTermination, flag: ResponseFlag.UpstreamConnectionTermination, reason: "connection termination", transportFailure: "" };
}

/**
 * %RESPONSE_CODE_DETAILS% of a reset (router.cc): `upstream_reset_before_response_started{reason[,transport
 * failure]}` (or `…_after_response_started…`), spaces turned into underscores as Envoy does.
 */
export function resetDetails(r: ResetOutcome, responseStarted: boolean): string {
  const inner = r.transportFailure === "" ? r.reason : `${r.reason},${r.transportFailure}`;
  return `upstream_reset_${responseStarted ? "after" : "before"}_response_started{${inner.replace(/ /g, "_")}}`;
}
