// One connection manager's HTTP filters, built from its `http_filters` (the router excluded: it is the
// terminal filter, router/router-filter.ts). Decoding walks the filters in config order and ends in the router
// unless one stops (FilterStatus.StopIteration) to answer or to resume later; encoding walks them in reverse,
// as Envoy's FilterManager does (source/common/http/filter_manager.cc). An HCM with only the router keeps the
// request path as it was: no loop, no per-request allocation.
import type { HttpFilter as HttpFilterConfig } from "../config/schema-http-filters";
import { httpFilterSpec } from "../config/schema-http-filters";
import { routeStream } from "../router/router-filter";
import { FilterStatus, type FilterFactoryContext, type HttpFilter, type ResponseHead } from "./filter";
import { createHttpFilter } from "./filters/registry";
import type { Stream } from "./stream";

export class HttpFilterChain {
  readonly filters: readonly HttpFilter[];
  /** how many filters encode (Stream.writeHead skips the chain when none do) */
  readonly encoders: number;
  readonly #encoders: readonly HttpFilter[];
  readonly #completers: readonly HttpFilter[];

  /** `leading`: filters of the HCM itself that run before the configured ones (the tracer) */
  constructor(configs: readonly HttpFilterConfig[], ctx: Omit<FilterFactoryContext, "index">, leading: readonly HttpFilter[] = []) {
    const filters: HttpFilter[] = [...leading];
    for (const c of configs) {
      const spec = httpFilterSpec(c);
      // an unknown optional filter is skipped (Envoy's is_optional); the router is the terminal filter, not one of these
      if (spec === null || spec.terminal) continue;
      filters.push(createHttpFilter(spec, c, { ...ctx, index: filters.length }));
    }
    this.filters = filters;
    // encoders run last-configured first
    this.#encoders = filters.filter((f) => f.encodeHeaders !== undefined).reverse();
    this.encoders = this.#encoders.length;
    this.#completers = filters.filter((f) => f.onStreamComplete !== undefined);
  }

  /** Runs the decoder filters from `s.filterIndex` on, then the router. */
  decode(s: Stream) {
    const fs = this.filters;
    while (s.filterIndex < fs.length) {
      const f = fs[s.filterIndex++];
      if (f.decodeHeaders !== undefined && f.decodeHeaders(s) === FilterStatus.StopIteration) return;
    }
    routeStream(s);
  }

  encodeHeaders(s: Stream, head: ResponseHead) {
    for (const f of this.#encoders) f.encodeHeaders!(s, head);
  }

  /** The stream is over: filters cancel what they still have going for it. */
  complete(s: Stream) {
    for (const f of this.#completers) f.onStreamComplete!(s);
  }
}
