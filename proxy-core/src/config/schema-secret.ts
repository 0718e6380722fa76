// TLS secrets and references to them (Envoy's SDS: envoy.extensions.transport_sockets.tls.v3.Secret and
// SdsSecretConfig, docs: configuration/security/secret). A secret is a certificate with its key, or the CAs to
// validate peers with; a TLS context names it instead of carrying the PEM itself. Two sources are supported:
// static_resources.secrets of a bootstrap (a reference without sds_config), and the Signalbox console, which
// delivers secrets over the worker's control-plane connection as SDS over ADS does (`sds_config: {ads: {}}`).
import { z } from "zod";
import { DataSource, Duration, envoyEnum } from "./schema-common";

const SUPPORTED_SOURCES = "secrets come from static_resources.secrets (no sds_config) or from the Signalbox console (sds_config: {ads: {}})";

/** A field Envoy has that Signalbox refuses with one line saying why (instead of "X is not supported"). */
function refused(message: string) {
  return z
    .unknown()
    .superRefine((_, ctx) => ctx.addIssue({ code: "custom", message }))
    .optional();
}

/** core.v3.ConfigSource, as an SDS reference uses it: only `ads` (the worker's control-plane connection). */
export const SdsConfigSource = z.strictObject({
  ads: z.strictObject({}, { error: "ads takes no fields: write ads: {}" }).optional(),
  resource_api_version: envoyEnum(["V3"], ["AUTO", "V2"], { V3: 2, AUTO: 0, V2: 1 }).optional(),
  /** accepted for Envoy compatibility: the console sends a snapshot's secrets before the snapshot, so nothing waits */
  initial_fetch_timeout: Duration.optional(),
  path_config_source: refused(`path_config_source is not supported by Signalbox: ${SUPPORTED_SOURCES}`),
  path: refused(`path is not supported by Signalbox: ${SUPPORTED_SOURCES}`),
  api_config_source: refused(`api_config_source is not supported by Signalbox: ${SUPPORTED_SOURCES}`),
  self: refused(`self is not supported by Signalbox: ${SUPPORTED_SOURCES}`),
  authorities: refused(`authorities is not supported by Signalbox: ${SUPPORTED_SOURCES}`),
}).superRefine((c, ctx) => {
  if (c.ads === undefined) ctx.addIssue({ code: "custom", path: ["ads"], message: `is required: ${SUPPORTED_SOURCES}` });
});

/** transport_sockets.tls.v3.SdsSecretConfig: a secret by name; with `sds_config` it comes from the console. */
export const SdsSecretConfig = z.strictObject({
  name: z.string().min(1, "required"),
  sds_config: SdsConfigSource.optional(),
});

export const SecretTlsCertificate = z.strictObject({ certificate_chain: DataSource, private_key: DataSource });
export const SecretValidationContext = z.strictObject({ trusted_ca: DataSource });

/** transport_sockets.tls.v3.Secret: exactly one of tls_certificate or validation_context. */
export const Secret = z
  .strictObject({
    name: z.string().min(1, "required"),
    tls_certificate: SecretTlsCertificate.optional(),
    validation_context: SecretValidationContext.optional(),
    session_ticket_keys: refused("session_ticket_keys secrets are not supported by Signalbox (supported: tls_certificate, validation_context)"),
    generic_secret: refused("generic_secret secrets are not supported by Signalbox (supported: tls_certificate, validation_context)"),
  })
  .superRefine((s, ctx) => {
    const kinds = (s.tls_certificate ? 1 : 0) + (s.validation_context ? 1 : 0);
    if (kinds === 0 && s.session_ticket_keys === undefined && s.generic_secret === undefined)
      ctx.addIssue({ code: "custom", path: ["tls_certificate"], message: "a secret needs exactly one of tls_certificate or validation_context" });
    if (kinds === 2) ctx.addIssue({ code: "custom", path: ["validation_context"], message: "a secret holds one of tls_certificate or validation_context, not both" });
  })
  .transform(({ session_ticket_keys: _s, generic_secret: _g, ...s }) => s);

/** CommonTlsContext's validation_context_type is a oneof (tls.proto): an inline context or one by secret name. */
export function tlsValidationOneof(c: { validation_context?: unknown; validation_context_sds_secret_config?: unknown }, ctx: z.RefinementCtx) {
  if (c.validation_context !== undefined && c.validation_context_sds_secret_config !== undefined)
    ctx.addIssue({ code: "custom", path: ["validation_context_sds_secret_config"], message: "only one of validation_context or validation_context_sds_secret_config may be set (a oneof in Envoy's CommonTlsContext)" });
}

/** What a secret holds: a TLS context names it for its certificates or for its validation context. */
export type SecretKind = "tls_certificate" | "validation_context";

export function secretKind(s: Secret): SecretKind {
  return s.tls_certificate ? "tls_certificate" : "validation_context";
}

export type SdsSecretConfig = z.infer<typeof SdsSecretConfig>;
export type Secret = z.infer<typeof Secret>;
