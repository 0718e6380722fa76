"use client";
// An HTTPS listener's certificates as TLS secrets uploaded to the console: a select per certificate (name —
// subject — expiry), and "Upload a secret…" (the form opens the upload dialog outside its <form>, and selects
// the new secret when it is done: onUpload). Envoy's
// tls_certificate_sds_secret_configs with `sds_config: {ads: {}}`: workers get the material over their session.
import type { ErrorClaims } from "@/components/ui/field-errors";
import { Field } from "@/components/ui/field";
import { useSecretsQuery } from "@/components/queries/use-secrets";
import { SecretExpiry } from "@/components/secrets/secret-expiry";
import { expiryDate, expiryNote } from "@/components/secrets/secret-form-model";
import type { SecretInfo } from "@/lib/contract/secrets";

const optionText = (s: SecretInfo) => `${s.name} — ${s.subject} — expires ${expiryDate(s.notAfter)}${s.status === "ok" ? "" : ` (${expiryNote(s)})`}`;

interface Props {
  names: string[];
  onNames: (names: string[]) => void;
  claims: ErrorClaims;
  /** "Upload a secret…" on row `i` */
  onUpload: (i: number) => void;
  readOnly?: boolean;
}

export function SecretSelect({ names, onNames, claims, onUpload, readOnly = false }: Props) {
  const secrets = useSecretsQuery();
  const certs = (secrets.data ?? []).filter((s) => s.kind === "tls_certificate");
  const byName = new Map(certs.map((s) => [s.name, s]));
  const set = (i: number, name: string) => onNames(names.map((n, j) => (j === i ? name : n)));
  const listError = claims.get("secrets");
  return (
    <div className="stack" style={{ gap: 8 }}>
      {names.map((name, i) => {
        const chosen = byName.get(name);
        const n = i + 1;
        return (
          <div key={i} className="row" style={{ alignItems: "flex-start" }} data-testid="secret-row">
            <div style={{ flex: 1, minWidth: 0 }}>
              <Field
                label={<>{names.length > 1 ? `Certificate ${n}: secret` : "Secret"}</>}
                envoy="tls_certificate_sds_secret_configs.name"
                error={claims.get(`secrets[${i}]`, true)}
                hint={chosen ? <SecretExpiry secret={chosen} /> : secrets.isError ? "Could not load the secrets; the name is kept as written." : undefined}
              >
                <select name={`secrets[${i}]`} value={name} onChange={(e) => set(i, e.target.value)} disabled={readOnly}>
                  <option value="">{secrets.isPending ? "Loading secrets…" : certs.length ? "Choose a secret…" : "No secrets yet: upload one"}</option>
                  {name && !chosen && !secrets.isPending && <option value={name}>{name} (not found)</option>}
                  {certs.map((s) => (
                    <option key={s.name} value={s.name}>
                      {optionText(s)}
                    </option>
                  ))}
                </select>
              </Field>
            </div>
            {!readOnly && (
              <button type="button" className="btn small" style={{ marginTop: 22 }} onClick={() => onUpload(i)}>
                Upload a secret…
              </button>
            )}
            {!readOnly && names.length > 1 && (
              <button type="button" className="btn small danger" style={{ marginTop: 22 }} aria-label={`Remove certificate ${n}`} onClick={() => onNames(names.filter((_, j) => j !== i))}>
                Remove
              </button>
            )}
          </div>
        );
      })}
      {listError && (
        <span className="field-error" role="alert">
          {listError}
        </span>
      )}
      {!readOnly && (
        <div>
          <button type="button" className="btn small" onClick={() => onNames([...names, ""])} title="Another certificate for other names or another key type (RSA and ECDSA)">
            + Add certificate
          </button>
        </div>
      )}
    </div>
  );
}
