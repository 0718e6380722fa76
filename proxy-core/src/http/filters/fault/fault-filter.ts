// envoy.filters.http.fault (docs/root/configuration/http/http_filters/fault_filter.rst; the behaviour is
// source/extensions/filters/http/fault/fault_filter.cc). A request the config applies to may be delayed (flag
// DI, `delays_injected`) and then, or instead, aborted with a local reply `fault filter abort` (flag FI,
// details `fault_filter_abort`, `aborts_injected`). A request with a fault counts once in the `active_faults`
// gauge until its delay ends without an abort or the stream ends; past `max_active_faults` no fault is
// injected (`faults_overflow`). A delayed request whose client goes away has its timer cancelled in
// onStreamComplete, so nothing fires (or leaks) after the stream.
import { FaultSettings, FaultHeaders, type AbortDecision } from "./fault-settings";
import { HttpFaultConfig } from "../../../config/http-filters/fault";
import { sendLocalReply } from "../../../router/local-reply";
import type { Counter, Gauge, Scope } from "../../../stats/store";
import { FilterStatus, perRouteConfig, type FilterFactoryContext, type HttpFilter } from "../../filter";
import { ResponseFlag } from "../../response-flags";
import type { Stream } from "../../stream";
import { getHeader } from "../header-list";

/** `http.<stat_prefix>.fault.*` (ALL_FAULT_FILTER_STATS); `response_rl_injected` is not kept: response_rate_limit is refused */
export const FAULT_COUNTERS = ["delays_injected", "aborts_injected", "faults_overflow"] as const;
type FaultCounters = { [K in (typeof FAULT_COUNTERS)[number]]: Counter };

/** Per request, only for requests a fault touched. */
interface ActiveFault {
  settings: FaultSettings;
  timer: NodeJS.Timeout | null;
  /** counted in active_faults */
  active: boolean;
  /** x-envoy-downstream-service-cluster, "" when absent: `fault.<cluster>.*` stats */
  downstreamCluster: string;
}

export class FaultFilter implements HttpFilter {
  readonly #settings: FaultSettings;
  readonly #perRoute = new WeakMap<object, FaultSettings>();
  readonly #scope: Scope;
  readonly #c: FaultCounters;
  readonly activeFaults: Gauge;

  constructor(
    readonly name: string,
    config: HttpFaultConfig,
    private readonly index: number,
    ctx: FilterFactoryContext,
  ) {
    this.#settings = new FaultSettings(config);
    this.#scope = ctx.store.scope(`http.${ctx.statPrefix}.fault`);
    this.#c = Object.fromEntries(FAULT_COUNTERS.map((n) => [n, this.#scope.counter(n)])) as FaultCounters;
    this.activeFaults = this.#scope.gauge("active_faults");
  }

  static create(config: unknown, name: string, ctx: FilterFactoryContext): HttpFilter {
    return new FaultFilter(name, config as HttpFaultConfig, ctx.index, ctx);
  }

  decodeHeaders(s: Stream): FilterStatus {
    const f = this.#settingsFor(s);
    if (f === null || !f.applies(s)) return FilterStatus.Continue;
    const delay = f.delayMs(s.headers);
    if (delay !== null) {
      const st = this.#activate(s, f);
      if (st !== null) {
        st.timer = setTimeout(onDelayElapsed, delay, this, s);
        this.#count("delays_injected", st);
        s.responseFlags |= ResponseFlag.DelayInjected;
        return FilterStatus.StopIteration;
      }
    }
    const abort = f.abort(s.headers);
    if (abort !== null) {
      const st = this.#activate(s, f);
      if (st !== null) {
        this.#abortWith(s, st, abort);
        return FilterStatus.StopIteration;
      }
    }
    return FilterStatus.Continue;
  }

  onStreamComplete(s: Stream) {
    const st = s.state<ActiveFault>(this.index);
    if (st === undefined) return;
    if (st.timer !== null) clearTimeout(st.timer);
    st.timer = null;
    if (st.active) this.activeFaults.dec();
    st.active = false;
  }

  /** The delay is over: an abort may follow (drawn again, as Envoy's postDelayInjection does), else go on. */
  afterDelay(s: Stream) {
    const st = s.state<ActiveFault>(this.index)!;
    st.timer = null;
    const abort = st.settings.abort(s.headers);
    if (abort !== null) return this.#abortWith(s, st, abort);
    // no other fault is running for this request (response rate limits are not supported)
    if (st.active) this.activeFaults.dec();
    st.active = false;
    s.continueDecoding();
  }

  /**
   * Counts the request as an active fault (once per request), or refuses past max_active_faults
   * (tryIncActiveFaults: checked only when a fault is about to be injected).
   */
  #activate(s: Stream, f: FaultSettings): ActiveFault | null {
    let st = s.state<ActiveFault>(this.index);
    if (st?.active) return st;
    if (this.activeFaults.value >= f.maxActiveFaults) {
      this.#c.faults_overflow.inc();
      return null;
    }
    this.activeFaults.inc();
    if (st === undefined) {
      const cluster = f.downstreamClusterStats ? (getHeader(s.headers, FaultHeaders.downstreamCluster) ?? "") : "";
      s.setState(this.index, (st = { settings: f, timer: null, active: true, downstreamCluster: cluster }));
    }
    st.active = true;
    return st;
  }

  #abortWith(s: Stream, st: ActiveFault, abort: AbortDecision) {
    this.#count("aborts_injected", st);
    s.responseFlags |= ResponseFlag.FaultInjected;
    s.details = "fault_filter_abort";
    const grpc = abort.grpc !== null && (getHeader(s.headers, "content-type") ?? "").startsWith("application/grpc");
    if (!grpc) return sendLocalReply(s.res, s.hcm.serverName, abort.http, "fault filter abort");
    // a gRPC request gets a trailers-only gRPC reply: 200, grpc-status and grpc-message, no body
    sendLocalReply(s.res, s.hcm.serverName, 200, "", false, ["content-type", "application/grpc", "grpc-status", String(abort.grpc), "grpc-message", "fault filter abort"]);
  }

  #count(stat: "delays_injected" | "aborts_injected", st: ActiveFault) {
    this.#c[stat].inc();
    if (st.downstreamCluster !== "") this.#scope.scope(st.downstreamCluster).counter(stat).inc();
  }

  /** The most specific per-route HTTPFault replaces the filter's (runtime is filter-level only in Envoy). */
  #settingsFor(s: Stream): FaultSettings | null {
    const raw = perRouteConfig(s.route, this.name);
    if (raw === undefined) return this.#settings;
    if (raw === null) return null;
    let f = this.#perRoute.get(raw);
    if (f === undefined) this.#perRoute.set(raw, (f = new FaultSettings(HttpFaultConfig.parse(raw))));
    return f;
  }
}

function onDelayElapsed(filter: FaultFilter, s: Stream) {
  filter.afterDelay(s);
}
