// The upload and rotate dialogs' form ↔ the POST/PUT /api/secrets body, checked with the contract's schemas
// (the server's own), so an empty or oversized field is reported next to it before anything is sent. The PEM
// lives in the form's state only while the dialog is open: nothing writes it anywhere else.
import { CreateSecretBody, SecretMaterialBody, type SecretInfo, type SecretKind } from "@/lib/contract/secrets";
import type { FieldError } from "@/lib/contract/common";

export interface SecretForm {
  name: string;
  kind: SecretKind;
  certificateChain: string;
  privateKey: string;
  trustedCa: string;
}

export const emptySecretForm = (kind: SecretKind = "tls_certificate", name = ""): SecretForm => ({ name, kind, certificateChain: "", privateKey: "", trustedCa: "" });

/** The first problem of each field (an empty name is also not a valid one: the first says what to do). */
function issuesOf(issues: readonly { path: readonly PropertyKey[]; message: string }[]): FieldError[] {
  const out = new Map<string, FieldError>();
  for (const i of issues) {
    const path = i.path.map(String).join(".");
    if (!out.has(path)) out.set(path, { path, message: i.message });
  }
  return [...out.values()];
}

/** Only the kind's own fields: a tls_certificate carries no trusted_ca, a validation_context no key. */
function material(f: SecretForm) {
  return f.kind === "tls_certificate" ? { kind: f.kind, certificate_chain: f.certificateChain, private_key: f.privateKey } : { kind: f.kind, trusted_ca: f.trustedCa };
}

/** POST /api/secrets's body, or the fields' errors. */
export function createBody(f: SecretForm): { body: CreateSecretBody | null; errors: FieldError[] } {
  const r = CreateSecretBody.safeParse({ name: f.name, ...material(f) });
  return r.success ? { body: r.data, errors: [] } : { body: null, errors: issuesOf(r.error.issues) };
}

/** PUT /api/secrets/{name}'s body (the secret's kind stays), or the fields' errors. */
export function rotateBody(f: SecretForm): { body: SecretMaterialBody | null; errors: FieldError[] } {
  const r = SecretMaterialBody.safeParse(material(f));
  return r.success ? { body: r.data, errors: [] } : { body: null, errors: issuesOf(r.error.issues) };
}

/** "2027-11-30": a date that reads the same everywhere (the time of day of a certificate's end is rarely the point). */
export const expiryDate = (iso: string) => iso.slice(0, 10);

/** What a secret's expiry calls for: nothing, a warning (within SECRET_WARN_DAYS), or an alarm. */
export function expiryNote(s: Pick<SecretInfo, "status" | "daysLeft">): string | null {
  if (s.status === "expired") return s.daysLeft >= -1 ? "expired" : `expired ${-s.daysLeft} days ago`;
  if (s.status === "expiring") return s.daysLeft <= 0 ? "expires today" : s.daysLeft === 1 ? "expires in 1 day" : `expires in ${s.daysLeft} days`;
  return null;
}
