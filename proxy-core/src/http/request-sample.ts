// The request heads behind the console's impact preview (GET /api/draft/impact): per listener, a ring of the last
// 1,000 requests' method, authority, path (query included), the request headers that listener's routes match on
// and their arrival time, so the console can replay real traffic against a draft's routes before it goes live.
// Nothing else of a request is kept: no other header, never a body. Recording is off until whoever forwards the
// heads to the console turns it on (XdsClient.start; xds/request-sample-report.ts sends them); while it is off the
// connection manager pays one boolean check per request. While on, a request costs a few slot writes: the slots
// are allocated once per listener and the strings are the ones node already parsed, referenced, not copied.
import { performance } from "node:perf_hooks";
import type { RouteConfiguration } from "../config/schema";
import type { StatsStore } from "../stats/store";
import type { RequestHead, RequestSampleListener } from "../protocol";
import { MatchInput, type CompiledRoute, type CompiledVirtualHost, type RouteTable } from "../router/route-table";
import { headerValue } from "../router/matchers";
import type { Stream } from "./stream";

export const REQUEST_SAMPLE_CAPACITY = 1000;
/** authority, path and header values are cut to this many characters (a head is a sample, not a log line) */
export const REQUEST_HEAD_MAX_TEXT = 2048;
/** header list entries kept per head: 16 name/value pairs (a request repeating a matched header 100 times keeps 16) */
const MAX_HEADER_VALUES = 32;

const clip = (v: string) => (v.length > REQUEST_HEAD_MAX_TEXT ? v.slice(0, REQUEST_HEAD_MAX_TEXT) : v);

/**
 * The request headers the routes of `rc` decide on, lower-cased, each with whether its value matters: every route's
 * header matchers (pseudo-headers such as `:method` are recorded as method, authority and path anyway),
 * `content-type` when a route has a `grpc` match (Envoy's Grpc::Common::isGrpcRequestHeaders reads it), and for a
 * virtual host with `require_tls` the x-forwarded-proto and x-envoy-internal headers its redirect decision reads
 * (VirtualHostImpl::getRouteFromEntries). A header only ever matched on presence (`present_match`, or a matcher with
 * nothing but a name) is `false`: it is recorded with an empty value, so an `authorization` a route merely requires
 * never leaves the worker.
 */
export function routeHeaders(rc: RouteConfiguration): Map<string, boolean> {
  const out = new Map<string, boolean>();
  const add = (name: string, value: boolean) => out.set(name, value || out.get(name) === true);
  for (const vh of rc.virtual_hosts ?? []) {
    if ((vh.require_tls ?? "NONE") !== "NONE") {
      add("x-forwarded-proto", true);
      add("x-envoy-internal", true);
    }
    for (const r of vh.routes ?? []) {
      for (const h of r.match.headers ?? []) if (h.name.charCodeAt(0) !== 58 /* : */) add(h.name.toLowerCase(), h.string_match !== undefined);
      if (r.match.grpc !== undefined) add("content-type", true);
    }
  }
  return out;
}

/** The names of routeHeaders(rc). */
export function routeHeaderNames(rc: RouteConfiguration): string[] {
  return [...routeHeaders(rc).keys()];
}

function nameIndex(name: string, lowerNames: readonly string[]): number {
  for (let k = 0; k < lowerNames.length; k++) {
    const n = lowerNames[k];
    if (name.length === n.length && (name === n || name.toLowerCase() === n)) return k;
  }
  return -1;
}

/** One listener's ring. Slot `seq % capacity` holds request number `seq`; the oldest is overwritten. */
export class RequestSampleRing {
  #method: string[] = [];
  #authority: string[] = [];
  #path: string[] = [];
  #hcm: string[] = [];
  #at: Float64Array | null = null;
  /** per slot: the matched headers as [name, value, …] in the first `#headerLen[i]` entries (arrays reused) */
  #headers: string[][] = [];
  #headerLen: Uint8Array | null = null;
  /** requests recorded since the ring was made */
  #written = 0;
  /** `#written` at the last take(): what was already handed out */
  #taken = 0;

  constructor(
    readonly listener: string,
    readonly capacity = REQUEST_SAMPLE_CAPACITY,
  ) {}

  /** requests recorded and not yet taken (some may have been overwritten) */
  get pending(): number {
    return this.#written - this.#taken;
  }

  // the slots exist only once something is recorded: a listener nobody samples costs nothing
  #allocate() {
    const n = this.capacity;
    this.#method = new Array<string>(n).fill("");
    this.#authority = new Array<string>(n).fill("");
    this.#path = new Array<string>(n).fill("");
    this.#hcm = new Array<string>(n).fill("");
    this.#headers = Array.from({ length: n }, () => []);
    this.#at = new Float64Array(n);
    this.#headerLen = new Uint8Array(n);
  }

  /**
   * A request head. `headers` is the request's header list ([name, value, …], names as received); only the
   * pairs named in `lowerNames` are kept, with an empty value where `keepValue` (parallel to it) says false.
   * `startMs` is performance.now() at arrival.
   */
  record(method: string, authority: string, path: string, headers: readonly string[], lowerNames: readonly string[], keepValue: readonly boolean[], hcm: string, startMs: number) {
    if (this.#at === null) this.#allocate();
    const i = this.#written % this.capacity;
    this.#written++;
    this.#method[i] = method;
    this.#authority[i] = authority;
    this.#path[i] = path;
    this.#hcm[i] = hcm;
    this.#at![i] = startMs;
    let n = 0;
    if (lowerNames.length > 0) {
      const out = this.#headers[i];
      for (let j = 0; j < headers.length && n < MAX_HEADER_VALUES; j += 2) {
        const k = nameIndex(headers[j], lowerNames);
        if (k < 0) continue;
        out[n++] = headers[j];
        out[n++] = keepValue[k] ? headers[j + 1] : "";
      }
    }
    this.#headerLen![i] = n;
  }

  /** The heads recorded since the last take (at most `capacity`, oldest first) and how many were overwritten. */
  take(): RequestSampleListener | null {
    const fresh = this.#written - this.#taken;
    if (fresh === 0) return null;
    const n = Math.min(fresh, this.capacity);
    const heads: RequestHead[] = [];
    for (let seq = this.#written - n; seq < this.#written; seq++) {
      const i = seq % this.capacity;
      const len = this.#headerLen![i];
      const hs = len === 0 ? [] : this.#headers[i].slice(0, len);
      for (let k = 1; k < hs.length; k += 2) hs[k] = clip(hs[k]);
      heads.push({
        at: Math.round(performance.timeOrigin + this.#at![i]),
        method: this.#method[i],
        authority: clip(this.#authority[i]),
        path: clip(this.#path[i]),
        hcm: this.#hcm[i],
        headers: hs,
      });
    }
    this.#taken = this.#written;
    return { listener: this.listener, heads, overwritten: fresh - n };
  }
}

/** Every listener's ring in one process; `enabled` is the switch the connection managers read per request. */
export class RequestSampler {
  enabled = false;
  readonly #rings = new Map<string, RequestSampleRing>();
  /** heads other processes recorded (push), by listener, until the next take */
  readonly #imported = new Map<string, RequestSampleListener>();

  constructor(readonly capacity = REQUEST_SAMPLE_CAPACITY) {}

  /** The listener's ring; kept across config swaps, so heads not yet sent survive a publish. */
  ring(listener: string): RequestSampleRing {
    let r = this.#rings.get(listener);
    if (r === undefined) this.#rings.set(listener, (r = new RequestSampleRing(listener, this.capacity)));
    return r;
  }

  /**
   * Heads another process recorded (for a --concurrency primary: its workers' reports), handed out by the next
   * take() with this process's own, the latest `capacity` per listener kept.
   */
  push(l: RequestSampleListener) {
    const q = this.#imported.get(l.listener);
    if (q === undefined) this.#imported.set(l.listener, { listener: l.listener, heads: [...l.heads], overwritten: l.overwritten });
    else {
      for (const h of l.heads) q.heads.push(h);
      q.overwritten += l.overwritten;
      // bounded between takes, as a ring is: the latest `capacity` (oldest first; each worker's heads are in order)
      if (q.heads.length > 2 * this.capacity) {
        const over = q.heads.length - this.capacity;
        q.heads.splice(0, over);
        q.overwritten += over;
      }
    }
  }

  /** What every listener recorded since the last take (oldest first), or null when nothing was. */
  take(): RequestSampleListener[] | null {
    const out = new Map<string, RequestSampleListener>();
    for (const r of this.#rings.values()) {
      const l = r.take();
      if (l !== null) out.set(l.listener, l);
    }
    for (const [name, q] of this.#imported) {
      const own = out.get(name);
      const heads = own === undefined ? q.heads : [...own.heads, ...q.heads].sort((a, b) => a.at - b.at);
      const over = Math.max(0, heads.length - this.capacity);
      out.set(name, { listener: name, heads: over > 0 ? heads.slice(over) : heads, overwritten: (own?.overwritten ?? 0) + q.overwritten + over });
    }
    this.#imported.clear();
    return out.size === 0 ? null : [...out.values()];
  }
}

// one per server, found through the stats store every server component gets (as server-context.ts does), so
// the connection managers and the xDS client meet without the server wiring a new part through
const byStore = new WeakMap<StatsStore, RequestSampler>();

export function requestSamplerOf(store: StatsStore): RequestSampler {
  let s = byStore.get(store);
  if (s === undefined) byStore.set(store, (s = new RequestSampler()));
  return s;
}

/** What one connection manager records: its listener's ring, its stat_prefix and its routes' headers. */
export class HeadCapture {
  readonly names: readonly string[];
  /** parallel to `names`: whether the value is recorded (else only that the header is there) */
  readonly keepValue: readonly boolean[];
  #ring: RequestSampleRing | null = null;

  constructor(
    readonly sampler: RequestSampler,
    readonly listener: string,
    readonly statPrefix: string,
    routes: RouteConfiguration,
  ) {
    const headers = routeHeaders(routes);
    this.names = [...headers.keys()];
    this.keepValue = [...headers.values()];
  }

  /** Call only while `sampler.enabled`, once the request headers are copied (what route matching reads). */
  record(s: Stream) {
    const ring = (this.#ring ??= this.sampler.ring(this.listener));
    ring.record(s.req.method ?? "GET", s.host, s.req.url ?? "/", s.headers, this.names, this.keepValue, this.statPrefix, s.startMs);
  }
}

/**
 * The virtual host and route a recorded head takes in `table` (null: no route, a 404), picked as
 * ConnectionManager.selectRoute picks them for a live request: the virtual host by authority, its require_tls
 * redirect first, then the first matching route. The recorded headers are the ones the routes match on, so for
 * the table the head was recorded under this is the route the request took (a runtime_fraction route draws anew).
 */
export function routeForHead(
  table: RouteTable,
  head: Pick<RequestHead, "method" | "authority" | "path" | "headers">,
): { virtualHost: CompiledVirtualHost; route: CompiledRoute } | null {
  const vh = table.findVirtualHost(head.authority);
  if (vh === null) return null;
  const internal = headerValue(head.headers, "x-envoy-internal") === "true";
  const tls = vh.tlsRedirect !== null ? table.tlsRedirectFor(vh, head.headers, internal) : null;
  const route = tls ?? table.match(vh, new MatchInput(head.path, head.headers, head.method, head.authority));
  return route === null ? null : { virtualHost: vh, route };
}
