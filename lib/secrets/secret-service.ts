// TLS secrets (GET/POST /api/secrets, PUT/DELETE /api/secrets/{name}): an upload is checked (pem.ts), sealed
// with the console's key (sealing.ts) and stored; its facts are what every answer carries. Workers get the
// material over their session (the hub asks deliveredSecrets()); a create, rotation or delete tells the hub at
// once, which sends the new set to the workers whose versions reference it. Every operation is audited with
// its actor and never with the material.
import type { Actor } from "../actor";
import { SECRET_WARN_DAYS, type CreateSecretBody, type SecretInfo, type SecretKind, type SecretMaterialBody, type SecretUse } from "../contract/secrets";
import type { DeliveredSecret } from "../../proxy-core/src/protocol";
import { getControlPlane } from "../control-plane/registry";
import { ApiError, conflict, notFound } from "../errors";
import { addAudit } from "../repos/audit-repo";
import { draftListenerAndClusterJson } from "../repos/draft-repo";
import { liveVersionIds } from "../repos/live-state-repo";
import { listRunningRollouts } from "../repos/rollout-repo";
import { deleteSecret, findSecretFacts, insertSecret, listSecretFacts, replaceSecret, sealedSecrets, type SecretFactsRow } from "../repos/secret-repo";
import { transaction } from "../repos/transaction";
import { getVersion } from "../repos/version-repo";
import { jsonObjects } from "../json";
import { PemError, readSecretMaterial, type SecretMaterial } from "./pem";
import { clusterSecretNames, listenerSecretNames } from "./references";
import { open, seal, secretKey } from "./sealing";
import { getTelemetry } from "../telemetry/registry";

const DAY_MS = 24 * 3600 * 1000;

export function secretStatus(notAfter: Date, now = Date.now()): { status: SecretInfo["status"]; daysLeft: number } {
  const daysLeft = Math.floor((notAfter.getTime() - now) / DAY_MS);
  return { status: notAfter.getTime() <= now ? "expired" : daysLeft < SECRET_WARN_DAYS ? "expiring" : "ok", daysLeft };
}

function info(r: SecretFactsRow, usedBy: SecretUse[], keyId = secretKey().id): SecretInfo {
  return {
    name: r.name, kind: r.kind as SecretKind, subject: r.subject, issuer: r.issuer, dnsNames: JSON.parse(r.dnsNames) as string[],
    fingerprint: r.fingerprint, notBefore: r.notBefore.toISOString(), notAfter: r.notAfter.toISOString(), ...secretStatus(r.notAfter),
    createdBy: r.createdBy, createdAt: r.createdAt.toISOString(), rotatedAt: r.rotatedAt?.toISOString() ?? null, rotations: r.rotations, opens: r.keyId === keyId, usedBy,
  };
}

/** What uses which secret, from every environment's draft and the versions its nodes run (live and canary). */
async function secretUses(): Promise<Map<string, SecretUse[]>> {
  const uses = new Map<string, SecretUse[]>();
  const add = (name: string, u: SecretUse) => {
    const list = uses.get(name) ?? [];
    if (!list.some((x) => x.environment === u.environment && x.resource === u.resource && x.name === u.name && x.in === u.in)) list.push(u);
    uses.set(name, list);
  };
  for (const r of await draftListenerAndClusterJson())
    for (const n of r.kind === "listener" ? listenerSecretNames(r.json) : clusterSecretNames(r.json)) add(n, { environment: r.environment, resource: r.kind, name: r.name, in: "draft" });
  const running = [...(await liveVersionIds()).entries()].map(([env, id]) => ({ env, id }));
  for (const r of await listRunningRollouts()) running.push({ env: r.environment, id: r.versionId });
  for (const { env, id } of running) {
    for (const [resource, names] of await versionReferences(id)) for (const [name, secrets] of names) for (const s of secrets) add(s, { environment: env, resource, name, in: "live" });
  }
  return uses;
}

type VersionRefs = Map<"listener" | "cluster", Map<string, Set<string>>>;
/** versions are immutable: what one references is read once (its snapshot is MiBs at 10,000 routes) */
const versionRefsCache = new Map<string, VersionRefs>();

async function versionReferences(id: string): Promise<VersionRefs> {
  const hit = versionRefsCache.get(id);
  if (hit) return hit;
  const v = await getVersion(id);
  const refs: VersionRefs = new Map([["listener", new Map()], ["cluster", new Map()]]);
  for (const l of jsonObjects(v?.snapshot.listeners)) refs.get("listener")!.set(String(l.name), listenerSecretNames(l));
  for (const c of jsonObjects(v?.snapshot.clusters)) refs.get("cluster")!.set(String(c.name), clusterSecretNames(c));
  for (const m of refs.values()) for (const [k, s] of m) if (s.size === 0) m.delete(k);
  if (versionRefsCache.size >= 16) versionRefsCache.delete(versionRefsCache.keys().next().value!);
  versionRefsCache.set(id, refs);
  return refs;
}

export async function listSecrets(): Promise<SecretInfo[]> {
  const [rows, uses] = await Promise.all([listSecretFacts(), secretUses()]);
  const keyId = secretKey().id;
  return rows.map((r) => info(r, uses.get(r.name) ?? [], keyId));
}

/** Each secret's kind, by name: what a draft's references are checked against (no material). */
export async function secretKinds(): Promise<Map<string, SecretKind>> {
  return new Map((await listSecretFacts()).map((r) => [r.name, r.kind as SecretKind]));
}

function material(body: SecretMaterialBody): SecretMaterial {
  return body.kind === "validation_context" ? { trusted_ca: body.trusted_ca! } : { certificate_chain: body.certificate_chain!, private_key: body.private_key! };
}

/** Checks and seals an upload: a 400 naming the field when its PEM is unusable. */
function prepare(name: string, kind: SecretKind, body: SecretMaterialBody) {
  const m = material(body);
  let facts;
  try {
    facts = readSecretMaterial(kind, m);
  } catch (e) {
    if (!(e instanceof PemError)) throw e;
    throw new ApiError(400, "bad_request", `${e.path}: ${e.message}`, { errors: [{ path: e.path, message: e.message }] });
  }
  const { sealed, keyId } = seal(name, JSON.stringify(m));
  return { kind, sealed, keyId, subject: facts.subject, issuer: facts.issuer, dnsNames: JSON.stringify(facts.dnsNames), fingerprint: facts.fingerprint, notBefore: facts.notBefore, notAfter: facts.notAfter };
}

const auditFacts = (r: SecretFactsRow) => ({ kind: r.kind, subject: r.subject, fingerprint: r.fingerprint, notAfter: r.notAfter.toISOString() });

export async function createSecret(body: CreateSecretBody, by: Actor): Promise<SecretInfo> {
  const prepared = prepare(body.name, body.kind, body);
  const row = await transaction(async (tx) => {
    if (await findSecretFacts(body.name, tx)) throw conflict(`a secret named ${body.name} exists already (rotate it with PUT /api/secrets/${body.name}, or pick another name)`);
    const created = await insertSecret({ name: body.name, ...prepared, createdBy: by.name }, tx);
    await addAudit(tx, { actor: by, action: "secret.create", target: body.name, details: auditFacts(created) });
    return created;
  });
  getControlPlane()?.secretsChanged?.();
  return info(row, []);
}

/** New material for secret `name` (same kind): workers running a version that references it switch at once. */
export async function rotateSecret(name: string, body: SecretMaterialBody, by: Actor): Promise<SecretInfo> {
  const existing = await findSecretFacts(name);
  if (!existing) throw notFound(`there is no secret ${name}`);
  if (existing.kind !== body.kind)
    throw new ApiError(400, "bad_request", `kind: secret ${name} is a ${existing.kind}; its kind cannot change (create another secret)`, { errors: [{ path: "kind", message: `secret ${name} is a ${existing.kind}` }] });
  const prepared = prepare(name, existing.kind as SecretKind, body);
  const row = await transaction(async (tx) => {
    const r = await replaceSecret(name, prepared, new Date(), tx);
    if (!r) throw notFound(`there is no secret ${name}`);
    await addAudit(tx, { actor: by, action: "secret.rotate", target: name, details: { ...auditFacts(r), previousFingerprint: existing.fingerprint } });
    return r;
  });
  getControlPlane()?.secretsChanged?.();
  getTelemetry()?.events.record({ ts: Date.now(), node: "console", kind: "secret_rotated", details: { secret: name, actor: by.name, notAfter: row.notAfter.toISOString(), fingerprint: row.fingerprint } });
  return info(row, (await secretUses()).get(name) ?? []);
}

/** Deletes secret `name` unless a draft or a running version references it (409 naming them). */
export async function removeSecret(name: string, by: Actor): Promise<void> {
  const uses = (await secretUses()).get(name) ?? [];
  if (uses.length) {
    const where = uses.slice(0, 5).map((u) => `${u.resource} ${u.name} (${u.environment}, ${u.in})`).join(", ");
    throw conflict(`secret ${name} is in use by ${where}${uses.length > 5 ? ` and ${uses.length - 5} more` : ""}; remove those references (and publish) first`);
  }
  await transaction(async (tx) => {
    const r = await findSecretFacts(name, tx);
    if (!r || !(await deleteSecret(name, tx))) throw notFound(`there is no secret ${name}`);
    await addAudit(tx, { actor: by, action: "secret.delete", target: name, details: auditFacts(r) });
  });
  getControlPlane()?.secretsChanged?.();
}

/**
 * The named secrets opened for delivery to workers (SDS resources with inline PEM); the hub's only way to the
 * material. A secret that does not open (the console's key changed) is left out and reported through `onError`:
 * the snapshots referencing it are then refused by the workers, naming it.
 */
export async function deliveredSecrets(names?: readonly string[], onError?: (m: string) => void): Promise<DeliveredSecret[]> {
  const out: DeliveredSecret[] = [];
  for (const r of await sealedSecrets(names)) {
    let m: SecretMaterial;
    try {
      m = JSON.parse(open(r.name, r)) as SecretMaterial;
    } catch (e) {
      onError?.((e as Error).message);
      continue;
    }
    out.push(
      "trusted_ca" in m
        ? { name: r.name, validation_context: { trusted_ca: { inline_string: m.trusted_ca } } }
        : { name: r.name, tls_certificate: { certificate_chain: { inline_string: m.certificate_chain }, private_key: { inline_string: m.private_key } } },
    );
  }
  return out;
}

/**
 * Replicas sharing a database must seal with one key: what this replica should say at start when it cannot open
 * secrets another one stored (lines for the log; none when every secret opens).
 */
export async function sealingKeyWarnings(): Promise<string[]> {
  const k = secretKey().id;
  const foreign = (await listSecretFacts()).filter((r) => r.keyId !== k);
  if (!foreign.length) return [];
  const ids = [...new Set(foreign.map((r) => r.keyId))].join(", ");
  return [
    `${foreign.length} TLS secret${foreign.length === 1 ? " was" : "s were"} sealed with key ${ids}, but this console's key is ${k}: its workers cannot get ${foreign.length === 1 ? "it" : "them"}. Give every replica the same SIGNALBOX_SECRET_KEY (or restore the key that sealed them).`,
  ];
}
