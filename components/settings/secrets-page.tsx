"use client";
// Settings → TLS secrets: every certificate and CA the console holds for listeners and clusters, with the facts
// read from it (subject, DNS names, expiry) and where it is used; never its PEM. Upload, rotate (new PEM, same
// name: workers switch without a publish) and delete (refused while anything references it). Viewers read.
import { useMemo, useState } from "react";
import { errorMessage } from "@/components/queries/api-client";
import { useReadOnly, useReadOnlyReason } from "@/components/queries/use-session";
import { useDeleteSecret, useSecretsQuery } from "@/components/queries/use-secrets";
import { SecretDialog } from "@/components/secrets/secret-dialog";
import { SecretExpiry } from "@/components/secrets/secret-expiry";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { DataTable, type Column } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { dateTime, timeAgo } from "@/components/ui/format";
import type { SecretInfo, SecretUse } from "@/lib/contract/secrets";
import { SettingsListPage } from "./settings-list-page";

const nameOf = (s: SecretInfo) => s.name;
const KIND_LABEL = { tls_certificate: "certificate + key", validation_context: "trusted CA" } as const;
const placeOf = (u: SecretUse) => `${u.resource} ${u.name} (${u.environment}${u.in === "draft" ? ", draft" : ""})`;

function UsedBy({ uses }: { uses: SecretUse[] }) {
  if (uses.length === 0) return <span className="muted">unused</span>;
  return (
    <ul className="small" style={{ margin: 0, padding: 0, listStyle: "none" }}>
      {uses.map((u) => (
        <li key={`${u.environment}/${u.in}/${u.resource}/${u.name}`}>{placeOf(u)}</li>
      ))}
    </ul>
  );
}

export function SecretsPage() {
  const secrets = useSecretsQuery();
  const remove = useDeleteSecret();
  const readOnly = useReadOnly();
  const lockedReason = useReadOnlyReason();
  const [uploading, setUploading] = useState(false);
  const [rotating, setRotating] = useState<SecretInfo | null>(null);
  const [removing, setRemoving] = useState<SecretInfo | null>(null);
  const [removeError, setRemoveError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const columns = useMemo<Column<SecretInfo>[]>(
    () => [
      { key: "name", header: "Name", value: (s) => s.name, sortable: true, cell: (s) => <code>{s.name}</code> },
      { key: "kind", header: "Kind", value: (s) => s.kind, cell: (s) => <span className="small">{KIND_LABEL[s.kind]}</span> },
      { key: "subject", header: "Subject", value: (s) => s.subject, cell: (s) => <span className="small" title={`issuer: ${s.issuer}\nSHA-256: ${s.fingerprint}`}>{s.subject}</span> },
      { key: "dnsNames", header: "DNS names", value: (s) => s.dnsNames.join(" "), cell: (s) => (s.dnsNames.length ? <span className="mono small">{s.dnsNames.join(", ")}</span> : <span className="muted">—</span>) },
      { key: "expires", header: "Expires", value: (s) => Date.parse(s.notAfter), sortable: true, cell: (s) => <SecretExpiry secret={s} /> },
      { key: "usedBy", header: "Used by", value: (s) => s.usedBy.map(placeOf).join(" "), cell: (s) => <UsedBy uses={s.usedBy} /> },
      {
        key: "rotated",
        header: "Rotated",
        value: (s) => Date.parse(s.rotatedAt ?? s.createdAt),
        cell: (s) =>
          s.rotatedAt ? (
            <span className="small" title={dateTime(s.rotatedAt)}>
              {timeAgo(s.rotatedAt)} · {s.rotations}×
            </span>
          ) : (
            <span className="small muted" title={`uploaded ${dateTime(s.createdAt)} by ${s.createdBy}`}>
              never
            </span>
          ),
      },
    ],
    [],
  );

  const confirmRemove = () => {
    if (!removing) return;
    setRemoveError(null);
    remove.mutate(removing.name, {
      onSuccess: () => {
        setNotice(`Secret ${removing.name} deleted.`);
        setRemoving(null);
      },
      onError: (e) => setRemoveError(errorMessage(e)),
    });
  };
  const uploadButton = (
    <button type="button" className="btn primary" onClick={() => setUploading(true)} disabled={readOnly} title={lockedReason}>
      Upload secret
    </button>
  );

  return (
    <SettingsListPage
      title="TLS secrets"
      intro={
        <>
          Certificates with their private keys, and trusted CAs, that listeners and clusters name. Uploaded once, sealed with the console&apos;s key and sent
          to the workers that need them; the PEM is never shown again. Rotating one switches every worker using it, without a publish.
        </>
      }
      action={uploadButton}
    >
      {notice && (
        <div className="alert info" role="status" style={{ marginBottom: 12 }}>
          {notice}
        </div>
      )}
      <DataTable
        label="TLS secrets"
        what="secrets"
        columns={columns}
        rows={secrets.data}
        rowKey={nameOf}
        rowTestId="secret-row"
        query={secrets}
        filter={{ label: "Filter secrets", placeholder: "Filter by name, subject, DNS name…" }}
        empty={
          <EmptyState title="No TLS secrets yet" action={uploadButton}>
            A secret is a certificate and its private key (or a set of trusted CAs) uploaded to the console. An HTTPS listener names it instead of
            certificate files on every worker.
          </EmptyState>
        }
        rowActions={
          readOnly
            ? undefined
            : (s) => (
                <>
                  <button type="button" className="btn small" onClick={() => setRotating(s)} aria-label={`Rotate ${s.name}`}>
                    Rotate
                  </button>{" "}
                  <button type="button" className="btn small danger" onClick={() => setRemoving(s)} aria-label={`Delete ${s.name}`}>
                    Delete
                  </button>
                </>
              )
        }
      />
      {uploading && (
        <SecretDialog
          onClose={() => setUploading(false)}
          onDone={(s) => {
            setUploading(false);
            setNotice(`Secret ${s.name} uploaded: ${s.subject}, expires ${s.notAfter.slice(0, 10)}.`);
          }}
        />
      )}
      {rotating && (
        <SecretDialog
          rotating={rotating}
          onClose={() => setRotating(null)}
          onDone={(s) => {
            setRotating(null);
            setNotice(`Secret ${s.name} rotated: ${s.subject}, expires ${s.notAfter.slice(0, 10)}.`);
          }}
        />
      )}
      {removing && (
        <ConfirmDialog
          title={`Delete secret ${removing.name}?`}
          confirmLabel="Delete secret"
          danger
          pending={remove.isPending}
          onConfirm={confirmRemove}
          onClose={() => {
            setRemoving(null);
            setRemoveError(null);
          }}
        >
          <p style={{ marginTop: 0 }}>
            {removing.usedBy.length
              ? `It is used by ${removing.usedBy.map(placeOf).join(", ")}: the console refuses to delete it until those references are removed and published.`
              : "Nothing references it. Its material is erased from the console; this cannot be undone."}
          </p>
          {removeError && (
            <div className="alert" role="alert">
              {removeError}
            </div>
          )}
        </ConfirmDialog>
      )}
    </SettingsListPage>
  );
}
