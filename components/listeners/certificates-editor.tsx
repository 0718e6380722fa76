"use client";
// An HTTPS listener's TLS: where its certificates come from (TLS secrets uploaded to the console, the default,
// or certificate and key files on every worker, rows with add/remove) and the SNI names its filter chain is
// picked for. Errors sit next to the inputs they name (`secrets[0]`, `certificates[0].privateKey`, `serverNames[1]`).
import type { ErrorClaims } from "@/components/ui/field-errors";
import { Field } from "@/components/ui/field";
import { newCertificate, type CertificateRow, type CertificateSource } from "./listener-form-model";
import { SecretSelect } from "./secret-select";

const GROW = { flex: 1, minWidth: 0 };
const CTX = "transport_socket.typed_config.common_tls_context.tls_certificates";
const CTX_SDS = "transport_socket.typed_config.common_tls_context.tls_certificate_sds_secret_configs";

interface Props {
  source: CertificateSource;
  onSource: (source: CertificateSource) => void;
  secrets: string[];
  onSecrets: (names: string[]) => void;
  /** "Upload a secret…" on secret row `i` */
  onUpload: (i: number) => void;
  rows: CertificateRow[];
  inline: boolean;
  serverNames: string;
  onRows: (rows: CertificateRow[]) => void;
  onServerNames: (names: string) => void;
  claims: ErrorClaims;
}

const SOURCES: { value: CertificateSource; label: string }[] = [
  { value: "secret", label: "Secret (uploaded to the console)" },
  { value: "files", label: "Files on every worker" },
];

export function CertificatesEditor({ source, onSource, secrets, onSecrets, onUpload, rows, inline, serverNames, onRows, onServerNames, claims }: Props) {
  const update = (i: number, patch: Partial<CertificateRow>) => onRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const listError = claims.get("certificates");
  return (
    <fieldset>
      <legend>TLS</legend>
      <div className="stack" style={{ gap: 8 }}>
        <div role="radiogroup" aria-label="Certificate from" className="row" style={{ gap: 16, flexWrap: "wrap" }}>
          <span className="field-label">Certificate from</span>
          {SOURCES.map((s) => (
            <label key={s.value} className="row" style={{ gap: 6 }}>
              <input type="radio" name="certificateSource" value={s.value} checked={source === s.value} onChange={() => onSource(s.value)} />
              {s.label}
            </label>
          ))}
        </div>
        {source === "secret" ? (
          <p className="field-hint" style={{ margin: 0 }}>
            Uploaded once and sent to the workers over their connection; rotating the secret switches them without a publish.{" "}
            <span className="envoy-name">{CTX_SDS}</span>
          </p>
        ) : (
          <p className="field-hint" style={{ margin: 0 }}>
            Files on every worker, read when the version applies; a file a worker cannot read makes it reject the version with the path.{" "}
            <span className="envoy-name">{CTX}</span>
          </p>
        )}
        {source === "secret" ? (
          <SecretSelect names={secrets} onNames={onSecrets} claims={claims} onUpload={onUpload} />
        ) : inline ? (
          <div className="alert info small">The certificates are written inline in the config (PEM): they are kept as they are. Edit them through the config.</div>
        ) : (
          rows.map((r, i) => {
            const n = i + 1;
            return (
              <div key={r.key} className="row" style={{ alignItems: "flex-start" }} data-testid="certificate-row">
                <div style={GROW}>
                <Field label={<><span className="sr-only">Certificate {n} </span>Certificate chain file</>} envoy="certificate_chain.filename" error={claims.get(`certificates[${i}].certificateChain`, true)}>
                  <input type="text" name={`certificates[${i}].certificateChain`} value={r.certificateChain} onChange={(e) => update(i, { certificateChain: e.target.value })} placeholder="/etc/signalbox/tls/example.crt" autoComplete="off" className="mono" />
                </Field>
                </div>
                <div style={GROW}>
                <Field label={<><span className="sr-only">Certificate {n} </span>Private key file</>} envoy="private_key.filename" error={claims.get(`certificates[${i}].privateKey`, true)}>
                  <input type="text" name={`certificates[${i}].privateKey`} value={r.privateKey} onChange={(e) => update(i, { privateKey: e.target.value })} placeholder="/etc/signalbox/tls/example.key" autoComplete="off" className="mono" />
                </Field>
                </div>
                {rows.length > 1 && (
                  <button type="button" className="btn small danger" style={{ marginTop: 22 }} aria-label={`Remove certificate ${n}`} onClick={() => onRows(rows.filter((_, j) => j !== i))}>
                    Remove
                  </button>
                )}
              </div>
            );
          })
        )}
        {source === "files" && listError && <span className="field-error" role="alert">{listError}</span>}
        {source === "files" && !inline && (
          <div>
            <button type="button" className="btn small" onClick={() => onRows([...rows, newCertificate()])}>
              + Add certificate
            </button>
          </div>
        )}
        <Field
          label="Server names (SNI)"
          envoy="filter_chain_match.server_names"
          error={claims.get("serverNames", true)}
          hint="Names the client asks for in the TLS handshake, separated by commas; *.example.com for a wildcard. Left empty, the certificate serves every name."
        >
          <input type="text" name="serverNames" value={serverNames} onChange={(e) => onServerNames(e.target.value)} placeholder="(any)" autoComplete="off" className="mono" />
        </Field>
      </div>
    </fieldset>
  );
}
