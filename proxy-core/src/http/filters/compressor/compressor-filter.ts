// envoy.filters.http.compressor, response direction (docs/root/configuration/http/http_filters/
// compressor_filter.rst; the decisions and stats follow source/extensions/filters/http/compressor/
// compressor_filter.cc). A response is compressed when compression is enabled for the route, it is big enough
// (content-length ≥ min_content_length, or unknown), its content type is listed, it has no content-encoding,
// no cache-control: no-transform, no etag under disable_on_etag_header, it has a body (not HEAD, 1xx, 204, 304)
// and the request's Accept-Encoding picks this filter's encoding among the chain's compressors. Then
// content-length goes, content-encoding is set, a strong etag is removed (a weak one kept), and the body passes
// through the library's zlib stream, piped to the client: a slow client stops the stream, which stops the
// router's writes, which pauses the upstream, so nothing grows without bound. Every compressible response gets
// `vary: Accept-Encoding`, compressed or not.
import { CompressorPerRoute, type CompressorConfig } from "../../../config/http-filters/compressor";
import { headerValue } from "../../../router/matchers";
import type { Counter, Scope } from "../../../stats/store";
import { FilterStatus, perRouteConfig, type FilterFactoryContext, type HttpFilter, type ResponseHead } from "../../filter";
import type { Stream } from "../../stream";
import type { Transform } from "node:stream";
import { findHeader, getHeader, hasToken, removeHeader, setHeader } from "../header-list";
import { HeaderStat, chooseEncoding, type CompressorCandidate } from "./accept-encoding";
import { compressorLibrary, type CompressorLibrary } from "./compressor-library";

/** Envoy's default content types (defaultContentEncoding() in compressor_filter.cc) */
export const DEFAULT_CONTENT_TYPES = [
  "text/html", "text/plain", "text/css", "application/javascript", "application/x-javascript", "text/javascript", "text/x-javascript",
  "text/ecmascript", "text/js", "text/jscript", "text/x-js", "application/ecmascript", "application/x-json", "application/xml",
  "application/json", "image/svg+xml", "text/xml", "application/xhtml+xml", "application/grpc-web", "application/grpc-web+proto",
];

/** COMMON_COMPRESSOR_STATS, under `<library>.` (`<library>.response.` with response_direction_config) */
export const COMMON_COMPRESSOR_COUNTERS = ["compressed", "not_compressed", "total_uncompressed_bytes", "total_compressed_bytes", "content_length_too_small"] as const;
/** RESPONSE_COMPRESSOR_STATS, under `<library>.` */
export const RESPONSE_COMPRESSOR_COUNTERS = ["no_accept_header", "header_identity", "header_compressor_used", "header_compressor_overshadowed", "header_wildcard", "header_not_valid", "not_compressed_etag"] as const;
type Counters<T extends readonly string[]> = { [K in T[number]]: Counter };

/** request had no Accept-Encoding (filter state: the header's value, this, or the running compressor) */
const NO_ACCEPT_HEADER = "";

export class CompressorFilter implements HttpFilter, CompressorCandidate {
  readonly encoding: string;
  readonly chooseFirst: boolean;
  readonly contentTypes: ReadonlySet<string>;
  readonly #library: CompressorLibrary;
  readonly #enabled: boolean;
  readonly #minLength: number;
  readonly #disableOnEtag: boolean;
  readonly #removeAcceptEncoding: boolean;
  readonly #stats: Counters<typeof COMMON_COMPRESSOR_COUNTERS>;
  readonly #response: Counters<typeof RESPONSE_COMPRESSOR_COUNTERS>;
  readonly #requestNotCompressed: Counter;
  readonly #perRoute = new WeakMap<object, CompressorPerRoute>();
  /** the compressor filters of this filter's chain, in order (Envoy's per-stream CompressorRegistry) */
  #chain: readonly CompressorFilter[] | null = null;

  constructor(
    readonly name: string,
    c: CompressorConfig,
    private readonly index: number,
    ctx: FilterFactoryContext,
  ) {
    this.#library = compressorLibrary(c.compressor_library.typed_config);
    this.encoding = this.#library.encoding;
    this.chooseFirst = c.choose_first ?? false;
    // response_direction_config, when set, replaces the deprecated top-level fields (ResponseDirectionConfig)
    const rdc = c.response_direction_config;
    const common = rdc?.common_config;
    this.#enabled = (rdc !== undefined ? common?.enabled : c.runtime_enabled)?.default_value ?? true;
    this.#minLength = (rdc !== undefined ? common?.min_content_length : c.content_length) || 30;
    const types = (rdc !== undefined ? common?.content_type : c.content_type) ?? [];
    this.contentTypes = new Set((types.length > 0 ? types : DEFAULT_CONTENT_TYPES).map((t) => t.toLowerCase()));
    this.#disableOnEtag = (rdc !== undefined ? rdc.disable_on_etag_header : c.disable_on_etag_header) ?? false;
    this.#removeAcceptEncoding = (rdc !== undefined ? rdc.remove_accept_encoding_header : c.remove_accept_encoding_header) ?? false;
    const scope: Scope = ctx.store.scope(`http.${ctx.statPrefix}.compressor.${c.compressor_library.name}.${this.#library.statsPrefix}`);
    const commonScope = rdc !== undefined ? scope.scope("response") : scope;
    this.#stats = Object.fromEntries(COMMON_COMPRESSOR_COUNTERS.map((n) => [n, commonScope.counter(n)])) as Counters<typeof COMMON_COMPRESSOR_COUNTERS>;
    this.#response = Object.fromEntries(RESPONSE_COMPRESSOR_COUNTERS.map((n) => [n, scope.counter(n)])) as Counters<typeof RESPONSE_COMPRESSOR_COUNTERS>;
    this.#requestNotCompressed = scope.scope("request").counter("not_compressed");
  }

  static create(config: unknown, name: string, ctx: FilterFactoryContext): HttpFilter {
    return new CompressorFilter(name, config as CompressorConfig, ctx.index, ctx);
  }

  decodeHeaders(s: Stream): FilterStatus {
    const perRoute = this.#perRouteFor(s);
    if (perRoute === null) return FilterStatus.Continue;
    s.setState(this.index, headerValue(s.headers, "accept-encoding") ?? NO_ACCEPT_HEADER);
    if (this.#compressionEnabled(perRoute) && (perRoute?.overrides?.response_direction_config?.remove_accept_encoding_header ?? this.#removeAcceptEncoding))
      removeHeader(s.headers, "accept-encoding");
    // request compression is never configured here: Envoy counts every request as not compressed
    this.#requestNotCompressed.inc();
    return FilterStatus.Continue;
  }

  encodeHeaders(s: Stream, head: ResponseHead) {
    const acceptEncoding = s.state<string>(this.index);
    if (typeof acceptEncoding !== "string") return;
    const h = head.headers;
    const bigEnough = this.#compressionEnabled(this.#perRouteFor(s)) && this.#isMinimumContentLength(h);
    const upgrade = head.status === 101 || s.upgrade !== null;
    const compressible = bigEnough && !upgrade && this.#contentTypeAllowed(h) && !noTransform(h) && this.#etagAllowed(h) && findHeader(h, "content-encoding") < 0;
    // no body follows these (Envoy's end_stream on the response headers)
    const endStream = s.req.method === "HEAD" || head.status < 200 || head.status === 204 || head.status === 304;
    // (one body transform per response, the seam's rule: compressing also needs head.transform free)
    if (!endStream && this.#acceptEncodingAllowed(bigEnough, acceptEncoding, s, h) && compressible && head.transform === null && transferEncodingAllowed(h, this.encoding)) {
      sanitizeEtag(h);
      removeHeader(h, "content-length");
      setHeader(h, "content-encoding", this.encoding);
      this.#stats.compressed.inc();
      const t = this.#library.create();
      t.on("error", ignoreError);
      head.transform = t;
      s.setState(this.index, t);
    } else this.#stats.not_compressed.inc();
    if (compressible) insertVary(h);
  }

  /** Bytes in and out of a compressed response, counted when it ends; a response cut short frees its stream. */
  onStreamComplete(s: Stream) {
    const t = s.state<Transform | string>(this.index);
    if (t === undefined || typeof t === "string") return;
    this.#stats.total_uncompressed_bytes.add((t as Transform & { bytesWritten: number }).bytesWritten);
    this.#stats.total_compressed_bytes.add(s.bytesSent);
    if (!t.writableFinished) t.destroy();
  }

  /** undefined: the filter's settings; null: a FilterConfig disables the filter on the route */
  #perRouteFor(s: Stream): CompressorPerRoute | null | undefined {
    const raw = perRouteConfig(s.route, this.name);
    if (raw === undefined || raw === null) return raw;
    let p = this.#perRoute.get(raw);
    if (p === undefined) this.#perRoute.set(raw, (p = CompressorPerRoute.parse(raw)));
    return p;
  }

  #compressionEnabled(perRoute: CompressorPerRoute | null | undefined): boolean {
    if (perRoute?.disabled) return false;
    // an overrides.response_direction_config, even empty, enables response compression on the route
    if (perRoute?.overrides?.response_direction_config !== undefined) return true;
    return this.#enabled;
  }

  #isMinimumContentLength(h: readonly string[]): boolean {
    const cl = getHeader(h, "content-length");
    if (cl === null) return true;
    const ok = /^\d+$/.test(cl) && Number(cl) >= this.#minLength;
    if (!ok) this.#stats.content_length_too_small.inc();
    return ok;
  }

  #contentTypeAllowed(h: readonly string[]): boolean {
    const ct = getHeader(h, "content-type");
    return ct === null || this.contentTypes.has(mediaType(ct));
  }

  #etagAllowed(h: readonly string[]): boolean {
    if (!this.#disableOnEtag || findHeader(h, "etag") < 0) return true;
    this.#response.not_compressed_etag.inc();
    return false;
  }

  /** The chain's choice is this filter's encoding; counts the Accept-Encoding stats (isAcceptEncodingAllowed). */
  #acceptEncodingAllowed(maybe: boolean, acceptEncoding: string, s: Stream, h: readonly string[]): boolean {
    if (!maybe) return false;
    if (acceptEncoding === NO_ACCEPT_HEADER) {
      this.#response.no_accept_header.inc();
      return false;
    }
    const ct = getHeader(h, "content-type");
    const decision = chooseEncoding(acceptEncoding, ct === null ? "" : mediaType(ct), this.#chainOf(s));
    const chosen = decision.encoding.toLowerCase() === this.encoding;
    const r = this.#response;
    if (decision.stat === HeaderStat.ValidCompressor) (chosen ? r.header_compressor_used : r.header_compressor_overshadowed).inc();
    else if (decision.stat === HeaderStat.Identity) r.header_identity.inc();
    else if (decision.stat === HeaderStat.Wildcard) r.header_wildcard.inc();
    else r.header_not_valid.inc();
    return chosen;
  }

  #chainOf(s: Stream): readonly CompressorFilter[] {
    return (this.#chain ??= s.hcm.filters.filters.filter((f): f is CompressorFilter => f instanceof CompressorFilter));
  }
}

function ignoreError() {
  // a write after the client went away: the stream is destroyed in onStreamComplete
}

/** "text/html; charset=utf-8" → "text/html" */
function mediaType(contentType: string): string {
  const semi = contentType.indexOf(";");
  return (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

function noTransform(h: readonly string[]): boolean {
  const cc = getHeader(h, "cache-control");
  return cc !== null && hasToken(cc, "no-transform");
}

/** A transfer-encoding already naming a compression (isTransferEncodingAllowed). */
function transferEncodingAllowed(h: readonly string[], encoding: string): boolean {
  const te = getHeader(h, "transfer-encoding");
  if (te === null) return true;
  for (const t of te.split(",")) {
    const v = t.trim().toLowerCase();
    if (v === "gzip" || v === "br" || v === "deflate" || v === "compress" || v === "zstd" || v === encoding) return false;
  }
  return true;
}

/** Envoy keeps a weak etag and drops a strong one: the compressed bytes are no longer that entity (sanitizeEtagHeader). */
function sanitizeEtag(h: string[]) {
  const v = getHeader(h, "etag");
  if (v !== null && v.length > 2 && !((v[0] === "w" || v[0] === "W") && v[1] === "/")) removeHeader(h, "etag");
}

/** Vary gains "Accept-Encoding" unless it lists it already (insertVaryHeader, an exact token match). */
function insertVary(h: string[]) {
  const i = findHeader(h, "vary");
  if (i < 0) return void h.push("vary", "Accept-Encoding");
  if (!h[i + 1].split(",").some((t) => t.trim() === "Accept-Encoding")) h[i + 1] = `${h[i + 1]}, Accept-Encoding`;
}
