// The runtime side of the supported HTTP filters: for each type URL in config/schema-http-filters.ts
// (HTTP_FILTERS), the factory that builds the filter from its parsed typed_config. The router is not here: it is
// the chain's terminal filter (router/router-filter.ts).
import type { HttpFilter as HttpFilterConfig, HttpFilterSpec } from "../../config/schema-http-filters";
import type { FilterFactoryContext, HttpFilter } from "../filter";
import { BUFFER_TYPE } from "../../config/http-filters/buffer";
import { BufferFilter } from "./buffer/buffer-filter";
import { EXT_AUTHZ_TYPE } from "../../config/http-filters/ext-authz";
import { ExtAuthzFilter } from "./ext-authz/ext-authz-filter";
import { CORS_TYPE } from "../../config/http-filters/cors";
import { CorsFilter } from "./cors/cors-filter";
import { LOCAL_RATELIMIT_TYPE } from "../../config/http-filters/local-ratelimit";
import { LocalRateLimitFilter } from "./local-ratelimit/local-ratelimit-filter";
import { FAULT_TYPE } from "../../config/http-filters/fault";
import { FaultFilter } from "./fault/fault-filter";
import { HEALTH_CHECK_TYPE } from "../../config/http-filters/health-check";
import { HealthCheckFilter } from "./health-check/health-check-filter";
import { COMPRESSOR_TYPE } from "../../config/http-filters/compressor";
import { CompressorFilter } from "./compressor/compressor-filter";

export type HttpFilterFactory = (config: unknown, name: string, ctx: FilterFactoryContext) => HttpFilter;

const FACTORIES = new Map<string, HttpFilterFactory>([[BUFFER_TYPE, BufferFilter.create], [EXT_AUTHZ_TYPE, ExtAuthzFilter.create]]);
FACTORIES.set(CORS_TYPE, CorsFilter.create);
FACTORIES.set(LOCAL_RATELIMIT_TYPE, LocalRateLimitFilter.create);
FACTORIES.set(FAULT_TYPE, FaultFilter.create);
FACTORIES.set(HEALTH_CHECK_TYPE, HealthCheckFilter.create);
FACTORIES.set(COMPRESSOR_TYPE, CompressorFilter.create);

/** Builds one configured filter (its typed_config already validated by the schema). */
export function createHttpFilter(spec: HttpFilterSpec, c: HttpFilterConfig, ctx: FilterFactoryContext): HttpFilter {
  const factory = FACTORIES.get(spec.typeUrl);
  if (factory === undefined) throw new Error(`http filter ${c.name}: no runtime for ${spec.typeUrl}`);
  return factory(spec.config.parse(c.typed_config ?? { "@type": spec.typeUrl }), c.name, ctx);
}
