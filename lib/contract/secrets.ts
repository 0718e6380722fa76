// TLS secrets (GET/POST /api/secrets, PUT/DELETE /api/secrets/{name}): Envoy's SDS Secret resources managed by
// the console. A listener or cluster references one by name (`tls_certificate_sds_secret_configs` /
// `validation_context_sds_secret_config` with `sds_config: {ads: {}}`); workers get the material over their
// authenticated session. The PEM sent in a POST or PUT is never answered back: lists carry facts only.
import { z } from "zod";
import { IsoTime } from "./common";

export const SecretKind = z.enum(["tls_certificate", "validation_context"]);
export type SecretKind = z.infer<typeof SecretKind>;

/** Envoy resource names end up in stat names (`ssl.certificate.<name>.`): no dots, spaces or colons. */
export const SecretName = z
  .string()
  .trim()
  .min(1, "a secret needs a name")
  .max(128, "a secret name is at most 128 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, "a secret name is letters, digits, _ and - (starting with a letter or digit)");

/** days before notAfter when the console starts warning */
export const SECRET_WARN_DAYS = 30;

/** Where a secret is referenced: a draft's or a live version's listener or cluster, in an environment. */
export const SecretUse = z.object({
  environment: z.string(),
  resource: z.enum(["listener", "cluster"]),
  name: z.string(),
  /** draft: the environment's draft; live: the version its nodes run */
  in: z.enum(["draft", "live"]),
});
export type SecretUse = z.infer<typeof SecretUse>;

export const SecretInfo = z.object({
  name: z.string(),
  kind: SecretKind,
  subject: z.string(),
  issuer: z.string(),
  /** the leaf's DNS names (subjectAltName) */
  dnsNames: z.array(z.string()),
  /** SHA-256 of the leaf (or of the first CA) */
  fingerprint: z.string(),
  notBefore: IsoTime,
  notAfter: IsoTime,
  /** ok; expiring: within SECRET_WARN_DAYS; expired */
  status: z.enum(["ok", "expiring", "expired"]),
  /** whole days until notAfter (negative once expired) */
  daysLeft: z.number().int(),
  createdBy: z.string(),
  createdAt: IsoTime,
  rotatedAt: IsoTime.nullable(),
  rotations: z.number().int(),
  /** false: sealed with another key than the console's (SIGNALBOX_SECRET_KEY changed): workers cannot get it until it is uploaded again or the key restored */
  opens: z.boolean(),
  usedBy: z.array(SecretUse),
});
export type SecretInfo = z.infer<typeof SecretInfo>;

export const SecretList = z.array(SecretInfo);

const Pem = (what: string) => z.string().min(1, `${what} is empty`).max(65_536, `${what} is at most 64 KiB`);

const material = {
  kind: SecretKind.default("tls_certificate"),
  /** tls_certificate: PEM certificates, the leaf first */
  certificate_chain: Pem("certificate_chain").optional(),
  /** tls_certificate: the leaf's PEM private key (not encrypted) */
  private_key: Pem("private_key").optional(),
  /** validation_context: PEM CA certificates */
  trusted_ca: Pem("trusted_ca").optional(),
};

type Material = { kind: SecretKind; certificate_chain?: string; private_key?: string; trusted_ca?: string };

function materialIssues(m: Material, ctx: z.RefinementCtx) {
  const need = m.kind === "tls_certificate" ? (["certificate_chain", "private_key"] as const) : (["trusted_ca"] as const);
  const refuse = m.kind === "tls_certificate" ? (["trusted_ca"] as const) : (["certificate_chain", "private_key"] as const);
  for (const f of need) if (m[f] === undefined) ctx.addIssue({ code: "custom", path: [f], message: `a ${m.kind} secret needs ${f}` });
  for (const f of refuse) if (m[f] !== undefined) ctx.addIssue({ code: "custom", path: [f], message: `a ${m.kind} secret has no ${f}` });
}

/** PUT /api/secrets/{name}: new material for a secret (rotation); its kind stays. */
export const SecretMaterialBody = z.strictObject(material).superRefine(materialIssues);
export type SecretMaterialBody = z.infer<typeof SecretMaterialBody>;

/** POST /api/secrets */
export const CreateSecretBody = z.strictObject({ name: SecretName, ...material }).superRefine(materialIssues);
export type CreateSecretBody = z.infer<typeof CreateSecretBody>;

/** DELETE /api/secrets/{name} */
export const DeletedSecret = z.object({ name: z.string(), deleted: z.literal(true) });
