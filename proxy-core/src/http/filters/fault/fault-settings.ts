// One HTTPFault message made ready for requests (Envoy's FaultSettings with FaultDelayConfig and FaultAbortConfig,
// source/extensions/filters/common/fault/fault_config.cc): which requests it applies to, and for one request
// the delay and the abort it asks for, header-controlled ones included. The request headers Envoy reads here
// are "implicitly untrusted": only their first value counts and an unreadable one means "not set".
import type { HttpFaultConfig } from "../../../config/http-filters/fault";
import { durationToMs } from "../../../config/duration";
import { ExtraMatchers } from "../../../router/matchers";
import type { Stream } from "../../stream";
import { Fraction } from "../fraction";
import { getHeader } from "../header-list";

export const FaultHeaders = {
  delay: "x-envoy-fault-delay-request",
  delayPercentage: "x-envoy-fault-delay-request-percentage",
  abort: "x-envoy-fault-abort-request",
  abortGrpc: "x-envoy-fault-abort-grpc-request",
  abortPercentage: "x-envoy-fault-abort-request-percentage",
  downstreamNode: "x-envoy-downstream-service-node",
  downstreamCluster: "x-envoy-downstream-service-cluster",
} as const;

/** absl::SimpleAtoi on an unsigned value: digits, optional "+" and surrounding spaces; null when unreadable. */
export function readUint(v: string | null): number | null {
  if (v === null || !/^\s*\+?\d+\s*$/.test(v)) return null;
  return Number(v.trim());
}

export interface AbortDecision {
  /** the HTTP status of the local reply (200 for a gRPC abort) */
  http: number;
  /** a gRPC status, sent as grpc-status to gRPC requests */
  grpc: number | null;
}

export class FaultSettings {
  /** fixed delay in ms, or null when header_delay reads it from the request */
  readonly #fixedDelayMs: number | null;
  readonly #delay: Fraction | null;
  readonly #delayFromHeader: boolean;
  readonly #abort: Fraction | null;
  readonly #abortFromHeader: boolean;
  readonly #httpStatus: number | null;
  readonly #grpcStatus: number | null;
  readonly upstreamCluster: string;
  readonly #headers: ExtraMatchers | null;
  readonly #downstreamNodes: ReadonlySet<string> | null;
  readonly maxActiveFaults: number;
  readonly downstreamClusterStats: boolean;

  constructor(c: HttpFaultConfig) {
    this.#delay = c.delay === undefined ? null : Fraction.of(c.delay.percentage);
    this.#delayFromHeader = c.delay?.header_delay !== undefined;
    this.#fixedDelayMs = c.delay?.fixed_delay !== undefined ? durationToMs(c.delay.fixed_delay) : null;
    this.#abort = c.abort === undefined ? null : Fraction.of(c.abort.percentage);
    this.#abortFromHeader = c.abort?.header_abort !== undefined;
    this.#httpStatus = c.abort?.http_status ?? null;
    this.#grpcStatus = c.abort?.grpc_status ?? null;
    this.upstreamCluster = c.upstream_cluster ?? "";
    this.#headers = c.headers?.length ? ExtraMatchers.compile({ prefix: "/", headers: c.headers }) : null;
    this.#downstreamNodes = c.downstream_nodes?.length ? new Set(c.downstream_nodes) : null;
    this.maxActiveFaults = c.max_active_faults ?? Infinity;
    this.downstreamClusterStats = !(c.disable_downstream_cluster_stats ?? false);
  }

  /** upstream_cluster, downstream_nodes and headers all match (FaultFilter::decodeHeaders, in that order) */
  applies(s: Stream): boolean {
    if (this.upstreamCluster !== "" && s.route?.cluster !== this.upstreamCluster) return false;
    if (this.#downstreamNodes !== null) {
      const node = getHeader(s.headers, FaultHeaders.downstreamNode);
      if (node === null || !this.#downstreamNodes.has(node)) return false;
    }
    return this.#headers === null || this.#headers.match({ headers: s.headers, method: s.req.method ?? "GET", path: s.req.url ?? "/", authority: s.host });
  }

  /** The delay to inject in ms, or null (FaultFilter::delayDuration: not drawn, no readable duration, or 0). */
  delayMs(h: readonly string[]): number | null {
    if (this.#delay === null || !this.#percentage(this.#delay, this.#delayFromHeader, h, FaultHeaders.delayPercentage).hit()) return null;
    const ms = this.#delayFromHeader ? readUint(getHeader(h, FaultHeaders.delay)) : this.#fixedDelayMs;
    return ms !== null && ms > 0 ? ms : null;
  }

  /** The abort to inject, or null (FaultFilter::abortStatus). */
  abort(h: readonly string[]): AbortDecision | null {
    if (this.#abort === null || !this.#percentage(this.#abort, this.#abortFromHeader, h, FaultHeaders.abortPercentage).hit()) return null;
    let http = this.#httpStatus;
    let grpc = this.#grpcStatus;
    if (this.#abortFromHeader) {
      http = readUint(getHeader(h, FaultHeaders.abort));
      if (http !== null && (http < 200 || http >= 600)) http = null;
      grpc = readUint(getHeader(h, FaultHeaders.abortGrpc));
    }
    // an HTTP status wins; a gRPC status alone answers 200 with grpc-status
    if (http !== null) return { http, grpc: null };
    return grpc !== null ? { http: 200, grpc } : null;
  }

  /** header_* providers let the request lower the configured percentage through a header */
  #percentage(configured: Fraction, fromHeader: boolean, h: readonly string[], header: string): Fraction {
    if (!fromHeader) return configured;
    const n = readUint(getHeader(h, header));
    return n === null ? configured : configured.capped(n);
  }
}
