// Listeners and their virtual hosts in the draft (GET /api/draft/listeners, PUT/DELETE
// /api/draft/listeners/{name}, PUT/DELETE /api/draft/listeners/{name}/virtual-hosts/{vhost}). A listener is
// written in a form-friendly body (ListenerBody) that the server turns into Envoy's Listener JSON
// (listener-json.ts, shared with the console's form so both check a listener the same way); its virtual hosts
// are written one by one and keep their routes. Every read answers the draft's revision as ETag, every write
// takes it back as If-Match (draft.ts).
import { z } from "zod";
import type { Listener } from "../../proxy-core/src/config/schema";

/**
 * What the listener's (first) filter chain speaks: `http` and `https` are Envoy's HTTP connection manager,
 * without and with a TLS transport socket (DownstreamTlsContext); `tcp` is the tcp_proxy network filter.
 */
export const ListenerProtocol = z.enum(["http", "https", "tcp"]);
export type ListenerProtocol = z.infer<typeof ListenerProtocol>;

/** Listener and virtual host names: part of URLs and stat names, so no spaces or slashes. */
const ResourceName = z
  .string({ error: "required" })
  .trim()
  .min(1, "required")
  .regex(/^[^\s/]*$/, "no spaces or slashes");

/**
 * 1–65535: port 0 is Envoy's "any free port", which every worker would pick differently, so nothing could be
 * sent to it.
 */
export const ListenerPort = z
  .number({ error: "must be a port between 1 and 65535" })
  .int("must be a whole port number")
  .min(1, "must be a port between 1 and 65535")
  .max(65535, "must be a port between 1 and 65535");

// Any path the workers can read (Envoy's semantics: the operator's trust boundary, README "Threat model"; the
// console never opens it), but never one with a NUL or a line break, which the worker's schema refuses too.
const NO_NUL = /^[^\0\r\n]*$/;
const NO_NUL_RULE = "a file path cannot contain a NUL byte or a line break";

/** A certificate and its key as files on every worker (Envoy's DataSource `filename`, read when the config applies). */
export const CertificateFiles = z.strictObject({
  certificateChain: z.string().trim().min(1, "the certificate chain's file path is required").regex(NO_NUL, NO_NUL_RULE),
  privateKey: z.string().trim().min(1, "the private key's file path is required").regex(NO_NUL, NO_NUL_RULE),
});
export type CertificateFiles = z.infer<typeof CertificateFiles>;

/** A TLS secret's name (lib/contract/secrets.ts), as a listener references it. */
const SecretRef = z.string({ error: "choose a secret" }).trim().min(1, "choose a secret");

/**
 * PUT /api/draft/listeners/{name}. Fields left out keep what the listener has (a new one gets the default):
 * `address` (0.0.0.0), `statPrefix` (the HTTP connection manager's or tcp_proxy's stat_prefix; the name),
 * `secrets` or `certificates` (https: one of them is required for a new HTTPS listener; `secrets` names TLS
 * secrets uploaded to the console, `certificates` names files on every worker; giving one replaces the other),
 * `serverNames` (https: the SNI names the filter chain matches; [] matches any), `cluster` (tcp: required for a
 * new TCP listener). Every Envoy field the body does not name is kept as it is, and so are the listener's
 * virtual hosts.
 */
export const ListenerBody = z.strictObject({
  name: ResourceName,
  address: z.string().trim().min(1, "required").optional(),
  port: ListenerPort,
  protocol: z.enum(ListenerProtocol.options, { error: 'one of "http", "https" or "tcp"' }),
  statPrefix: z.string().trim().min(1, "leave it out for the default (the listener's name)").optional(),
  certificates: z.array(CertificateFiles).min(1, "an HTTPS listener needs a certificate").optional(),
  /** tls_certificate secrets, by name: Envoy's tls_certificate_sds_secret_configs with `sds_config: {ads: {}}` */
  secrets: z.array(SecretRef).min(1, "an HTTPS listener needs a certificate").optional(),
  serverNames: z.array(z.string().trim().min(1, "a server name cannot be empty")).optional(),
  cluster: z.string().trim().min(1, "required").optional(),
}).superRefine((b, ctx) => {
  // Envoy refuses SDS and non-SDS certificates in one CommonTlsContext: a listener takes one or the other
  if (b.certificates !== undefined && b.secrets !== undefined)
    ctx.addIssue({ code: "custom", path: ["secrets"], message: "a listener takes its certificates from secrets or from files, not both" });
});
export type ListenerBody = z.infer<typeof ListenerBody>;

/**
 * What withHandler parses the PUT body with, a JSON object of whatever shape. The service parses it with ListenerBody itself,
 * so a bad field is a 422 naming it (`port`, `certificates[0].privateKey`) like every other invalid resource.
 */
export const PutListenerBody = z.record(z.string(), z.unknown());

/** PUT /api/draft/listeners/{name}/virtual-hosts/{vhost}: `name` (default: the one in the URL; another renames it), `domains`. */
export const VirtualHostBody = z.strictObject({
  name: ResourceName.optional(),
  domains: z.array(z.string().trim().min(1, "a domain cannot be empty")).min(1, 'at least one domain is required ("*" matches every host)'),
  /** the filter chain a new virtual host goes on (default: the first HTTP one); an existing one stays where it is */
  filterChainIndex: z.number().int().nonnegative().optional(),
});
export type VirtualHostBody = z.infer<typeof VirtualHostBody>;
export const PutVirtualHostBody = z.record(z.string(), z.unknown());

/** A certificate of a filter chain: its files, or null for a PEM written inline in the config. */
export const ListenerCertificate = z.object({ certificateChain: z.string().nullable(), privateKey: z.string().nullable() });
export type ListenerCertificate = z.infer<typeof ListenerCertificate>;

export const ListenerFilterChain = z.object({
  index: z.number().int().nonnegative(),
  protocol: ListenerProtocol,
  /** SNI names the chain is picked for (filter_chain_match.server_names); [] for any */
  serverNames: z.array(z.string()),
  certificates: z.array(ListenerCertificate),
  /** the TLS secrets it takes its certificates from (tls_certificate_sds_secret_configs' names) */
  secrets: z.array(z.string()),
});
export type ListenerFilterChain = z.infer<typeof ListenerFilterChain>;

export const ListenerVirtualHost = z.object({
  name: z.string(),
  domains: z.array(z.string()),
  filterChainIndex: z.number().int().nonnegative(),
  /** how many routes it holds */
  routes: z.number().int().nonnegative(),
  /** the team owning it (and its routes without an owner of their own); null: unowned (lib/teams/) */
  owner: z.string().nullable().optional(),
  /** whether the caller may change it */
  editable: z.boolean().optional(),
});
export type ListenerVirtualHost = z.infer<typeof ListenerVirtualHost>;

const isObject = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);

/** One listener of GET /api/draft/listeners: the form's fields, its filter chains, its virtual hosts. */
export const DraftListenerItem = z.object({
  name: z.string(),
  address: z.string(),
  port: z.number().int().nonnegative(),
  /** the first filter chain's */
  protocol: ListenerProtocol,
  /** the first filter chain's HTTP connection manager or tcp_proxy stat_prefix */
  statPrefix: z.string().nullable(),
  /** tcp: the cluster the first filter chain forwards to (null with weighted clusters) */
  cluster: z.string().nullable(),
  filterChains: z.array(ListenerFilterChain),
  virtualHosts: z.array(ListenerVirtualHost),
  /** routes of all its virtual hosts */
  routes: z.number().int().nonnegative(),
  /** Envoy's Listener JSON as the draft holds it, virtual hosts left out (empty `virtual_hosts`) */
  listener: z.custom<Listener>(isObject),
});
export type DraftListenerItem = z.infer<typeof DraftListenerItem>;
export const DraftListenerList = z.array(DraftListenerItem);

/** DELETE /api/draft/listeners/{name}: what went with the listener. */
export const DeletedListener = z.object({
  name: z.string(),
  virtualHosts: z.array(z.object({ name: z.string(), routes: z.number().int().nonnegative() })),
  routes: z.number().int().nonnegative(),
});
export type DeletedListener = z.infer<typeof DeletedListener>;

/** DELETE /api/draft/listeners/{name}/virtual-hosts/{vhost}: the virtual host and how many routes went with it. */
export const DeletedVirtualHost = z.object({ listener: z.string(), name: z.string(), routes: z.number().int().nonnegative() });
export type DeletedVirtualHost = z.infer<typeof DeletedVirtualHost>;
