"use client";
// Upload a TLS secret (name, kind, PEM) or rotate one (new PEM, same kind). Each PEM is pasted or read from a
// file in the browser (nothing is uploaded until Upload); the private key's box is masked like a password. The
// server checks the PEM (the key must match the leaf) and answers a 400 naming the field, shown next to it.
// On success the dialog closes and its state, PEM included, goes with it: the console never shows it again.
import { useState, type CSSProperties, type FormEvent } from "react";
import { ApiError, errorMessage, type FieldError } from "@/components/queries/api-client";
import { useCreateSecret, useRotateSecret } from "@/components/queries/use-secrets";
import { ActionFooter } from "@/components/ui/action-footer";
import { Field } from "@/components/ui/field";
import { Panel } from "@/components/ui/panel";
import type { SecretInfo, SecretKind } from "@/lib/contract/secrets";
import { createBody, emptySecretForm, rotateBody, type SecretForm } from "./secret-form-model";

type PemField = "certificateChain" | "privateKey" | "trustedCa";
const BODY_FIELD: Record<PemField, string> = { certificateChain: "certificate_chain", privateKey: "private_key", trustedCa: "trusted_ca" };
// Chromium and WebKit draw the key's characters as discs, like a password input (a textarea has no type)
const MASKED = { WebkitTextSecurity: "disc" } as CSSProperties;

interface Props {
  /** rotate this secret; absent: upload a new one */
  rotating?: SecretInfo;
  /** the kind a new secret must be (the listener form asks for a tls_certificate) */
  kind?: SecretKind;
  onClose: () => void;
  onDone: (secret: SecretInfo) => void;
}

function PemInput({ field, label, hint, value, error, masked, onChange }: { field: PemField; label: string; hint: string; value: string; error?: string; masked?: boolean; onChange: (v: string) => void }) {
  const [readError, setReadError] = useState<string | null>(null);
  const read = async (file: File | undefined) => {
    setReadError(null);
    if (!file) return;
    if (file.size > 65_536) return setReadError(`${file.name} is ${file.size} bytes; a PEM field is at most 64 KiB`);
    try {
      onChange(await file.text());
    } catch (e) {
      setReadError(`could not read ${file.name}: ${errorMessage(e)}`);
    }
  };
  return (
    <div className="stack" style={{ gap: 4 }}>
      <Field label={label} envoy={BODY_FIELD[field]} hint={hint} error={error ?? readError ?? undefined}>
        <textarea name={BODY_FIELD[field]} value={value} onChange={(e) => onChange(e.target.value)} rows={masked ? 4 : 6} className="mono" spellCheck={false} autoComplete="off" style={masked ? MASKED : undefined} placeholder={masked ? "-----BEGIN PRIVATE KEY-----" : "-----BEGIN CERTIFICATE-----"} />
      </Field>
      <label className="small">
        <span className="muted">or read from a file: </span>
        <input type="file" aria-label={`${label} file`} accept=".pem,.crt,.cer,.key,.ca,text/plain,application/x-pem-file" onChange={(e) => void read(e.target.files?.[0])} />
      </label>
    </div>
  );
}

export function SecretDialog({ rotating, kind, onClose, onDone }: Props) {
  const create = useCreateSecret();
  const rotate = useRotateSecret();
  const pending = create.isPending || rotate.isPending;
  const [f, setF] = useState<SecretForm>(() => emptySecretForm(rotating?.kind ?? kind, rotating?.name));
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const err = (path: string) => errors.find((e) => e.path === path)?.message;
  const patch = (p: Partial<SecretForm>) => {
    setF((prev) => ({ ...prev, ...p }));
    setErrors([]);
    setFailure(null);
  };
  const refused = (e: unknown) => {
    if (e instanceof ApiError && e.fieldErrors.length) setErrors(e.fieldErrors);
    else if (e instanceof ApiError && e.status === 409 && !rotating) setErrors([{ path: "name", message: e.message }]);
    else setFailure(errorMessage(e));
  };
  const done = (s: SecretInfo) => {
    // drop the PEM before anything else renders
    setF(emptySecretForm(f.kind, f.name));
    onDone(s);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (rotating) {
      const { body, errors: found } = rotateBody(f);
      if (!body) return setErrors(found);
      rotate.mutate({ name: rotating.name, body }, { onSuccess: done, onError: refused });
    } else {
      const { body, errors: found } = createBody(f);
      if (!body) return setErrors(found);
      create.mutate(body, { onSuccess: done, onError: refused });
    }
  };

  const formId = rotating ? "rotate-secret-form" : "upload-secret-form";
  const unplaced = errors.filter((e) => !["name", "kind", ...Object.values(BODY_FIELD)].includes(e.path));
  return (
    <Panel
      variant="dialog"
      title={rotating ? `Rotate secret ${rotating.name}` : "Upload a TLS secret"}
      onClose={onClose}
      footer={
        <ActionFooter onClose={onClose}>
          <button type="submit" form={formId} className="btn primary" disabled={pending}>
            {pending ? "Checking…" : rotating ? "Rotate secret" : "Upload secret"}
          </button>
        </ActionFooter>
      }
    >
      <form id={formId} className="stack" onSubmit={submit} noValidate>
        {rotating ? (
          <p className="small" style={{ marginTop: 0 }}>
            The new certificate replaces <strong>{rotating.name}</strong> ({rotating.subject}) everywhere it is used: workers switch to it for new
            connections without restarting their listeners. No publish is needed.
          </p>
        ) : (
          <>
            <Field label="Name" error={err("name")} hint="Listeners and clusters name the secret by it: letters, digits, _ and -.">
              <input name="name" value={f.name} onChange={(e) => patch({ name: e.target.value })} placeholder="edge-cert" autoComplete="off" className="mono" autoFocus />
            </Field>
            {kind ? null : (
              <Field label="Kind" error={err("kind")}>
                <select name="kind" value={f.kind} onChange={(e) => patch({ kind: e.target.value as SecretKind })}>
                  <option value="tls_certificate">Certificate and private key (tls_certificate)</option>
                  <option value="validation_context">Trusted CA certificates (validation_context)</option>
                </select>
              </Field>
            )}
          </>
        )}
        {f.kind === "tls_certificate" ? (
          <>
            <PemInput field="certificateChain" label="Certificate chain (PEM)" hint="The certificate first, then its intermediates." value={f.certificateChain} error={err("certificate_chain")} onChange={(certificateChain) => patch({ certificateChain })} />
            <PemInput field="privateKey" label="Private key (PEM)" hint="Not encrypted. Sealed with the console's key on upload and never shown again." value={f.privateKey} error={err("private_key")} masked onChange={(privateKey) => patch({ privateKey })} />
          </>
        ) : (
          <PemInput field="trustedCa" label="Trusted CA certificates (PEM)" hint="The CAs peers' certificates must chain to." value={f.trustedCa} error={err("trusted_ca")} onChange={(trustedCa) => patch({ trustedCa })} />
        )}
        {unplaced.map((e) => (
          <div key={e.path} className="alert" role="alert">
            {e.path ? `${e.path}: ` : ""}
            {e.message}
          </div>
        ))}
        {failure && (
          <div className="alert" role="alert">
            {failure}
          </div>
        )}
      </form>
    </Panel>
  );
}
