// The CheckRequest of a downstream request (Envoy's CheckRequestUtils::createHttpCheck,
// source/extensions/filters/common/ext_authz/check_request_utils.cc): the peers' addresses (and principals
// over TLS), the request's id, method, headers (lower-cased, repeated ones joined with ","), path, host,
// scheme, protocol and size, the body when the filter buffered it, and the route's context_extensions. The HTTP
// client builds its request from the same header map, so both services see the same view of the request.
import { getRandomValues } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { TLSSocket } from "node:tls";
import type { X509Certificate } from "node:crypto";
import type { Stream } from "../../stream";
import type { CheckRequestMessage, PeerMessage } from "./auth-proto";
import type { HeaderKeyMatcher } from "./header-matchers";

/** Client request header Envoy reserves to tell the service the body was cut at max_request_bytes. */
export const PARTIAL_BODY_HEADER = "x-envoy-auth-partial-body";

export interface CheckBody {
  /** at most max_request_bytes of it */
  data: Buffer;
  /** the request's body is longer than `data` */
  partial: boolean;
}

export interface CheckOptions {
  body: CheckBody | null;
  /** body as raw_body (bytes) instead of body (a UTF-8 string) */
  packAsBytes: boolean;
  contextExtensions: Readonly<Record<string, string>>;
  includePeerCertificate: boolean;
  includeTlsSession: boolean;
}

const isTls = (s: Stream) => (s.req.socket as TLSSocket).encrypted === true;

/**
 * The request's headers as Envoy's header map has them for an HTTP/1.1 request: the pseudo-headers (Host is
 * `:authority`), then the others lower-cased, repeated ones joined with ",". Filtered by allowed/disallowed.
 */
export function requestHeaderMap(s: Stream, allowed: HeaderKeyMatcher | null, disallowed: HeaderKeyMatcher | null): Map<string, string> {
  const out = new Map<string, string>();
  const put = (name: string, value: string) => {
    if (disallowed !== null && disallowed(name)) return;
    if (allowed !== null && !allowed(name)) return;
    const prev = out.get(name);
    out.set(name, prev === undefined ? value : `${prev},${value}`);
  };
  put(":authority", s.host);
  put(":path", s.req.url ?? "/");
  put(":method", s.req.method ?? "GET");
  put(":scheme", isTls(s) ? "https" : "http");
  const h = s.headers;
  for (let i = 0; i < h.length; i += 2) {
    const name = h[i].toLowerCase();
    // the client cannot speak for the filter (check_request_utils.cc skips it); host is :authority
    if (name === "host" || name === PARTIAL_BODY_HEADER) continue;
    put(name, h[i + 1]);
  }
  // an upgrade keeps its Connection and Upgrade headers in Envoy's map (the connection manager drops them here)
  if (s.upgrade !== null) {
    put("connection", String(s.req.headers.connection ?? ""));
    put("upgrade", String(s.req.headers.upgrade ?? ""));
  }
  return out;
}

/** Envoy's stream id: a random unsigned 64-bit number, in decimal. */
function streamId(): string {
  return getRandomValues(new BigUint64Array(1))[0].toString();
}

/** URI SAN, else DNS SAN, else the subject (RFC 2253 order), as Envoy picks a peer's principal. */
function principalOf(cert: X509Certificate | undefined): string | undefined {
  if (cert === undefined) return undefined;
  const sans = (cert.subjectAltName ?? "").split(", ");
  const uri = sans.find((x) => x.startsWith("URI:"));
  if (uri !== undefined) return uri.slice(4);
  const dns = sans.find((x) => x.startsWith("DNS:"));
  if (dns !== undefined) return dns.slice(4);
  return cert.subject.split("\n").reverse().join(",");
}

function peer(address: string | undefined, port: number | undefined): PeerMessage {
  return { address: { socket_address: { address: address ?? "", port_value: port ?? 0 } } };
}

/** `headers`: requestHeaderMap's, already filtered by allowed_headers/disallowed_headers. */
export function checkRequest(s: Stream, headers: Map<string, string>, o: CheckOptions): CheckRequestMessage {
  const sock = s.req.socket;
  const source = peer(sock.remoteAddress, sock.remotePort);
  const destination = peer(sock.localAddress, sock.localPort);
  // x-envoy-downstream-service-cluster names the source's service (CheckRequestUtils::createHttpCheck)
  const service = headers.get("x-envoy-downstream-service-cluster");
  if (service !== undefined) source.service = service;
  if (isTls(s)) {
    const tls = sock as TLSSocket;
    const peerCert = tls.getPeerX509Certificate?.();
    const principal = principalOf(peerCert);
    if (principal !== undefined) source.principal = principal;
    if (o.includePeerCertificate && peerCert !== undefined) source.certificate = encodeURIComponent(peerCert.toString());
    const local = principalOf(tls.getX509Certificate?.());
    if (local !== undefined) destination.principal = local;
  }
  const body = o.body;
  const headerObject: Record<string, string> = Object.fromEntries(headers);
  if (body !== null) headerObject[PARTIAL_BODY_HEADER] = body.partial ? "true" : "false";
  // the proxy received the first byte of the request when the stream started
  const startedMs = Date.now() - (performance.now() - s.startMs);
  const msg: CheckRequestMessage = {
    attributes: {
      source,
      destination,
      request: {
        time: { seconds: Math.floor(startedMs / 1000), nanos: Math.round((startedMs % 1000) * 1e6) },
        http: {
          id: streamId(),
          method: s.req.method ?? "GET",
          headers: headerObject,
          path: s.req.url ?? "/",
          host: s.host,
          scheme: isTls(s) ? "https" : "http",
          // what was received of the body so far (Envoy's bytesReceived): what the filter buffered
          size: body?.data.length ?? 0,
          protocol: `HTTP/${s.req.httpVersion}`,
        },
      },
      context_extensions: { ...o.contextExtensions },
    },
  };
  if (body !== null) {
    if (o.packAsBytes) msg.attributes.request.http.raw_body = body.data;
    else msg.attributes.request.http.body = body.data.toString("utf8");
  }
  if (o.includeTlsSession && isTls(s)) {
    const sni = (sock as TLSSocket & { servername?: string | false }).servername;
    if (typeof sni === "string" && sni !== "") msg.attributes.tls_session = { sni };
  }
  return msg;
}

/**
 * The HTTP authorization request's head (RawHttpClientImpl::check): the original method and path (path_prefix
 * in front), the allowed headers, Content-Length 0 or the body's, then headers_to_add (overwriting).
 */
export function httpCheckHead(headers: Map<string, string>, body: CheckBody | null, pathPrefix: string, headersToAdd: readonly (readonly [string, string])[]): { method: string; path: string; headers: string[] } {
  let method = "GET";
  let path = "/";
  const out: string[] = [];
  for (const [name, value] of headers) {
    if (name === ":method") method = value;
    else if (name === ":path") path = pathPrefix + value;
    else if (name === ":authority") out.push("host", value);
    else if (name.charCodeAt(0) === 58 /* : */ || name === "content-length") continue;
    else out.push(name, value);
  }
  if (body !== null) out.push(PARTIAL_BODY_HEADER, body.partial ? "true" : "false");
  out.push("content-length", String(body?.data.length ?? 0));
  for (const [k, v] of headersToAdd) {
    const key = k.toLowerCase();
    for (let i = out.length - 2; i >= 0; i -= 2) if (out[i] === key) out.splice(i, 2);
    out.push(key, v);
  }
  return { method, path, headers: out };
}
