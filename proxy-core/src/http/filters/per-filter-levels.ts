// Every level's typed_per_filter_config of one filter for a route, most specific first: route, virtual host,
// route configuration (Envoy's Http::Utility::getAllPerFilterConfig, which the CORS filter merges field by
// field). The filter seam's perRouteConfig() gives the most specific one only, which is what every other
// filter needs; this reads the other levels from the connection manager's route configuration, once per route
// (callers cache the result by route).
import { FILTER_CONFIG_TYPE } from "../../config/schema-http-filters";
import type { CompiledRoute } from "../../router/route-compile";
import type { Stream } from "../stream";

export interface PerFilterLevels {
  /** the configs, most specific first, FilterConfig wrappers unwrapped */
  configs: Record<string, unknown>[];
  /** a FilterConfig wrapper (the most specific one) disables the filter for this route */
  disabled: boolean;
}

export function perFilterLevels(s: Stream, route: CompiledRoute, name: string): PerFilterLevels {
  const rc = s.hcm.routes.config;
  // the compiled route keeps its config object: the virtual host is the one listing it
  const vh = rc.virtual_hosts?.find((v) => v.routes?.includes(route.config));
  const levels = [route.config.typed_per_filter_config, vh?.typed_per_filter_config, rc.typed_per_filter_config];
  const configs: Record<string, unknown>[] = [];
  let disabled: boolean | null = null;
  for (const level of levels) {
    const raw = level?.[name] as Record<string, unknown> | undefined;
    if (raw === undefined) continue;
    if (raw["@type"] !== FILTER_CONFIG_TYPE) {
      configs.push(raw);
      continue;
    }
    disabled ??= raw.disabled === true;
    if (raw.config !== undefined) configs.push(raw.config as Record<string, unknown>);
  }
  return { configs, disabled: disabled ?? false };
}
