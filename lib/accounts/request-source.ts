// Where a request came from, and which origin the console answers on. Next's route handlers see a Request without
// its socket, so server.ts stamps the socket's remote address (or, behind a proxy the operator trusts with
// SIGNALBOX_TRUST_PROXY=1, the first X-Forwarded-For hop) and the scheme into headers of its own before Next reads
// the request; a client sending those headers itself has them overwritten. The audit, the sessions list and
// better-auth's per-address rate limit all read the address from here.
import type { IncomingMessage } from "node:http";

export const SOURCE_HEADER = "x-signalbox-source";
export const PROTO_HEADER = "x-signalbox-proto";

export function trustProxy(): boolean {
  return process.env.SIGNALBOX_TRUST_PROXY === "1";
}

/** For server.ts: overwrite the source and scheme headers of an incoming request from its socket (or trusted proxy). */
export function stampSource(req: IncomingMessage): void {
  let source = req.socket.remoteAddress ?? "";
  let proto = "encrypted" in req.socket && req.socket.encrypted ? "https" : "http";
  if (trustProxy()) {
    const fwd = String(req.headers["x-forwarded-for"] ?? "").split(",")[0].trim();
    if (fwd) source = fwd;
    const fp = String(req.headers["x-forwarded-proto"] ?? "").split(",")[0].trim().toLowerCase();
    if (fp === "https" || fp === "http") proto = fp;
  }
  // "::ffff:127.0.0.1" is 127.0.0.1 reached over an IPv6 socket: show it the way people write it
  req.headers[SOURCE_HEADER] = source.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, "$1");
  req.headers[PROTO_HEADER] = proto;
}

/** The address server.ts stamped on the request, or null (a request that did not come through server.ts). */
export function requestSource(headers: Headers): string | null {
  return headers.get(SOURCE_HEADER) || null;
}

export function isHttps(headers: Headers): boolean {
  return headers.get(PROTO_HEADER) === "https";
}

/** The console's own origin for this request: its scheme and the Host the browser used. */
export function requestOrigin(req: Request): string {
  const url = new URL(req.url);
  const host = (trustProxy() && req.headers.get("x-forwarded-host")) || req.headers.get("host") || url.host;
  const proto = req.headers.get(PROTO_HEADER) ?? url.protocol.replace(/:$/, "");
  return `${proto}://${host}`;
}

/** Extra origins allowed to send state-changing requests with the session cookie (SIGNALBOX_TRUSTED_ORIGINS, comma-separated). */
export function configuredOrigins(): string[] {
  return (process.env.SIGNALBOX_TRUSTED_ORIGINS ?? "")
    .split(",")
    .map((o) => o.trim().replace(/\/+$/, ""))
    .filter(Boolean);
}

/** The console's own origin plus SIGNALBOX_TRUSTED_ORIGINS: what better-auth's trustedOrigins and withHandler's CSRF check accept. */
export function trustedOrigins(req: Request): string[] {
  return [requestOrigin(req), ...configuredOrigins()];
}

/**
 * Whether a state-changing request carrying the session cookie comes from the console's own pages: its Origin is
 * the console's (or a trusted) origin, or, when a browser sent no Origin, Fetch Metadata says same-origin.
 * https://fetch.spec.whatwg.org/#origin-header, https://w3c.github.io/webappsec-fetch-metadata/
 */
export function sameOriginRequest(req: Request): boolean {
  const origin = req.headers.get("origin");
  if (origin && origin !== "null") return trustedOrigins(req).includes(origin.replace(/\/+$/, ""));
  return req.headers.get("sec-fetch-site") === "same-origin";
}

/** Set-Cookie values from better-auth, marked Secure when the request came over HTTPS. */
export function secureIfHttps(setCookies: string[], headers: Headers): string[] {
  if (!isHttps(headers)) return setCookies;
  return setCookies.map((c) => (/;\s*secure\b/i.test(c) ? c : `${c}; Secure`));
}
