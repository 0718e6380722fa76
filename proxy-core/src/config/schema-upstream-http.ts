// A cluster's upstream HTTP protocol (envoy.extensions.upstreams.http.v3.HttpProtocolOptions, set through
// Cluster.typed_extension_protocol_options). Signalbox's router speaks HTTP/1.1 upstream only. An HTTP/2 cluster
// is still accepted, because gRPC services are reached over HTTP/2 by @grpc/grpc-js (ext_authz's envoy_grpc
// cluster, as in the seed 002 front proxy): such a cluster is HTTP/2-only, and validate.ts refuses any route or
// other HTTP/1.1 traffic sent to it. Every other protocol option is refused with its name.
import { z } from "zod";
import { TYPE_PREFIX } from "./schema-common";

export const HTTP_PROTOCOL_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";
export const HTTP_PROTOCOL_OPTIONS_TYPE = TYPE_PREFIX + HTTP_PROTOCOL_OPTIONS;

/** Http1ProtocolOptions / Http2ProtocolOptions: only the defaults (`{}`); each option is refused by name. */
const DefaultsOnly = z.strictObject({});

const ExplicitHttpConfig = z
  .strictObject({
    /** HTTP/1.1: what Signalbox always speaks upstream */
    http_protocol_options: DefaultsOnly.optional(),
    /** HTTP/2 with prior knowledge: the cluster is then HTTP/2-only (gRPC services) */
    http2_protocol_options: DefaultsOnly.optional(),
  })
  // the proto's oneof protocol_config is required; http3_protocol_options was refused by name above
  .superRefine((c, ctx) => {
    if (ctx.issues.some((i) => i.code === "unrecognized_keys")) return;
    const set = (["http_protocol_options", "http2_protocol_options"] as const).filter((k) => c[k] !== undefined);
    if (set.length !== 1) ctx.addIssue({ code: "custom", message: `exactly one of http_protocol_options, http2_protocol_options is required (got ${set.length ? set.join(", ") : "none"})` });
  });

export const HttpProtocolOptions = z
  .strictObject({
    "@type": z.literal(HTTP_PROTOCOL_OPTIONS_TYPE),
    explicit_http_config: ExplicitHttpConfig.optional(),
  })
  // the proto's oneof upstream_protocol_options is required: auto_config and use_downstream_protocol_config are
  // refused by name (one line, no second one about the oneof), so explicit_http_config is the one left
  .superRefine((o, ctx) => {
    if (o.explicit_http_config === undefined && !ctx.issues.some((i) => i.code === "unrecognized_keys"))
      ctx.addIssue({ code: "custom", path: ["explicit_http_config"], message: "is required (the only upstream_protocol_options Signalbox supports)" });
  });

/** Cluster.typed_extension_protocol_options: keyed by extension name; other extensions are refused by name. */
export const TypedExtensionProtocolOptions = z.strictObject({ [HTTP_PROTOCOL_OPTIONS]: HttpProtocolOptions.optional() });

export type TypedExtensionProtocolOptions = z.infer<typeof TypedExtensionProtocolOptions>;

/** The typed options the deprecated Cluster.http2_protocol_options stands for. */
export function http2Options(): TypedExtensionProtocolOptions {
  return { [HTTP_PROTOCOL_OPTIONS]: { "@type": HTTP_PROTOCOL_OPTIONS_TYPE, explicit_http_config: { http2_protocol_options: {} } } };
}

/** Whether a (validated) cluster speaks HTTP/2 only: usable by gRPC clients (ext_authz), not by the router. */
export function isHttp2Only(cluster: { typed_extension_protocol_options?: TypedExtensionProtocolOptions }): boolean {
  return cluster.typed_extension_protocol_options?.[HTTP_PROTOCOL_OPTIONS]?.explicit_http_config?.http2_protocol_options !== undefined;
}

/** The one line for HTTP/1.1 traffic sent to an HTTP/2-only cluster (a route, a Zipkin collector). */
export function http2OnlyMessage(cluster: string): string {
  return `cluster ${cluster} is HTTP/2-only (explicit_http_config.http2_protocol_options); Signalbox forwards HTTP/1.1 upstream, so only gRPC services (ext_authz) can use it`;
}
