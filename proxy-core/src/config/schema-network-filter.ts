// A filter chain's network filters (envoy.config.listener.v3.Filter). As in Envoy's v3 API the implementation is
// chosen by typed_config's type URL; `name` is informational. Signalbox implements two network filters, the HTTP
// connection manager and tcp_proxy. Both are terminal filters in Envoy (they consume the connection), so a chain
// holds exactly one; any other filter, Envoy's or unknown, is refused with one line naming it.
import { z } from "zod";
import { HCM_TYPE, TYPE_PREFIX } from "./schema-common";
import { TCP_PROXY_TYPE } from "./schema-tcp-proxy";

const NETWORK_FILTER_NAMES: Readonly<Record<string, string>> = {
  [HCM_TYPE]: "envoy.filters.network.http_connection_manager",
  [TCP_PROXY_TYPE]: "envoy.filters.network.tcp_proxy",
};

/** Envoy's other network filters (api/envoy/extensions/filters/network/*), by type URL. */
const ENVOY_ONLY_NETWORK_FILTERS: Readonly<Record<string, string>> = Object.fromEntries(
  (
    [
      ["redis_proxy.v3.RedisProxy", "redis_proxy"],
      ["mongo_proxy.v3.MongoProxy", "mongo_proxy"],
      ["rbac.v3.RBAC", "rbac"],
      ["ext_authz.v3.ExtAuthz", "ext_authz"],
      ["local_ratelimit.v3.LocalRateLimit", "local_ratelimit"],
      ["ratelimit.v3.RateLimit", "ratelimit"],
      ["connection_limit.v3.ConnectionLimit", "connection_limit"],
      ["direct_response.v3.Config", "direct_response"],
      ["echo.v3.Echo", "echo"],
      ["sni_cluster.v3.SniCluster", "sni_cluster"],
      ["sni_dynamic_forward_proxy.v3.FilterConfig", "sni_dynamic_forward_proxy"],
      ["thrift_proxy.v3.ThriftProxy", "thrift_proxy"],
      ["dubbo_proxy.v3.DubboProxy", "dubbo_proxy"],
      ["zookeeper_proxy.v3.ZooKeeperProxy", "zookeeper_proxy"],
      ["wasm.v3.Wasm", "wasm"],
      ["client_ssl_auth.v3.ClientSSLAuth", "client_ssl_auth"],
      ["set_filter_state.v3.Config", "set_filter_state"],
      ["generic_proxy.v3.GenericProxy", "generic_proxy"],
      ["mysql_proxy.v3.MySQLProxy", "mysql_proxy"],
      ["kafka_broker.v3.KafkaBroker", "kafka_broker"],
      ["postgres_proxy.v3alpha.PostgresProxy", "postgres_proxy"],
    ] as const
  ).map(([type, name]) => [`${TYPE_PREFIX}envoy.extensions.filters.network.${type}`, `envoy.filters.network.${name}`]),
);

const SUPPORTED = Object.values(NETWORK_FILTER_NAMES).join(", ");

/** The Envoy name of a network filter's type URL ("envoy.filters.network.tcp_proxy"), or null when unknown. */
export function networkFilterName(type: string): string | null {
  return NETWORK_FILTER_NAMES[type] ?? ENVOY_ONLY_NETWORK_FILTERS[type] ?? null;
}

const FilterHead = z.looseObject({ name: z.string().min(1), typed_config: z.looseObject({ "@type": z.string() }) });

/**
 * One network filter, parsed by the schema of its type URL (`byType`). A filter Signalbox does not implement is
 * one issue on the filter itself, whatever else its config holds; a supported one reports its own fields' issues.
 */
export function networkFilter<T>(byType: Readonly<Record<string, z.ZodType>>): z.ZodType<T> {
  return FilterHead.transform((f, ctx) => {
    const type = f.typed_config["@type"];
    const schema = byType[type];
    if (schema === undefined) {
      const known = ENVOY_ONLY_NETWORK_FILTERS[type];
      ctx.addIssue({
        code: "custom",
        message:
          known !== undefined
            ? `${known} is not supported by Signalbox (supported: ${SUPPORTED})`
            : `${f.name} (${JSON.stringify(type)}) is not a network filter Signalbox knows (supported: ${SUPPORTED})`,
      });
      return z.NEVER;
    }
    const r = schema.safeParse(f);
    if (!r.success) {
      for (const issue of r.error.issues) ctx.addIssue(issue as Parameters<typeof ctx.addIssue>[0]);
      return z.NEVER;
    }
    return r.data as T;
  }) as unknown as z.ZodType<T>;
}

/** Envoy refuses a terminal filter that is not last; Signalbox's filters are all terminal, so one per chain. */
export function oneTerminalFilter(filters: readonly { name: string; typed_config: { "@type": string } }[], ctx: z.RefinementCtx) {
  if (filters.length <= 1) return;
  const first = filters[0];
  ctx.addIssue({
    code: "custom",
    path: [0],
    message: `${networkFilterName(first.typed_config["@type"]) ?? first.name} is a terminal filter and must be the last one; Signalbox supports exactly one network filter per filter chain`,
  });
}
