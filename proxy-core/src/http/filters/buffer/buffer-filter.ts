// envoy.filters.http.buffer (docs/root/configuration/http/http_filters/buffer_filter.rst): the whole request is
// read before the filters after it (and the router) see it, so an upstream gets a complete request at once and
// retries can replay it. Past max_request_bytes the connection manager's 413 "Payload Too Large" answers
// (details request_payload_too_large, downstream_rq_too_large). A request without content-length gets one.
import type { BufferConfig, BufferPerRoute } from "../../../config/http-filters/buffer";
import { BufferPerRoute as BufferPerRouteSchema } from "../../../config/http-filters/buffer";
import type { CompiledRoute } from "../../../router/route-compile";
import { sendLocalReply } from "../../../router/local-reply";
import { FilterStatus, perRouteConfig, type FilterFactoryContext, type HttpFilter } from "../../filter";
import { readRequestBody, type BodyReader } from "../../request-body";
import type { Stream } from "../../stream";

export class BufferFilter implements HttpFilter, BodyReader {
  readonly stopAtMax = true;
  /** per route: null (disabled) or the limit, parsed once per compiled route */
  readonly #perRoute = new WeakMap<CompiledRoute, number | null>();

  constructor(
    readonly name: string,
    readonly max: number,
    private readonly ctx: FilterFactoryContext,
  ) {}

  static create(config: unknown, name: string, ctx: FilterFactoryContext): HttpFilter {
    return new BufferFilter(name, (config as BufferConfig).max_request_bytes, ctx);
  }

  decodeHeaders(s: Stream): FilterStatus {
    const max = this.#limitFor(s.route);
    if (max === null || !s.hasBody) return FilterStatus.Continue;
    readRequestBody(s, max === this.max ? this : { max, stopAtMax: true, done: (st, body, tooLarge) => this.done(st, body, tooLarge) });
    return FilterStatus.StopIteration;
  }

  done(s: Stream, body: Buffer, tooLarge: boolean) {
    if (tooLarge) {
      s.hcm.stats.c.downstream_rq_too_large.inc();
      s.details = "request_payload_too_large";
      s.res.shouldKeepAlive = false;
      return sendLocalReply(s.res, s.hcm.serverName, 413, "Payload Too Large");
    }
    if (!hasContentLength(s.headers)) s.headers.push("content-length", String(body.length));
    s.continueDecoding();
  }

  #limitFor(route: CompiledRoute | null): number | null {
    if (route === null) return this.max;
    let v = this.#perRoute.get(route);
    if (v === undefined) {
      const raw = perRouteConfig(route, this.name);
      if (raw === undefined) v = this.max;
      else if (raw === null) v = null;
      else {
        const per: BufferPerRoute = BufferPerRouteSchema.parse(raw);
        v = per.disabled ? null : per.buffer!.max_request_bytes;
      }
      this.#perRoute.set(route, v);
    }
    return v;
  }
}

function hasContentLength(h: readonly string[]): boolean {
  for (let i = 0; i < h.length; i += 2) if (h[i].length === 14 && h[i].toLowerCase() === "content-length") return true;
  return false;
}
