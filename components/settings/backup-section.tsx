"use client";
// Backup and restore: download the whole store as one file; restore one into an empty console. Picking a file
// only checks it (POST /api/restore?dryRun=true) and shows what it holds; the restore runs on confirm.
import { useRef, useState, type ChangeEvent } from "react";
import { ApiError, errorMessage, type FieldError } from "@/components/queries/api-client";
import { useRestoreCheckMutation, useRestoreMutation } from "@/components/queries/use-restore-mutation";
import { ErrorSummary } from "@/components/ui/error-summary";
import { Field } from "@/components/ui/field";
import { dateTime } from "@/components/ui/format";
import type { RestoreResult } from "@/lib/contract/backup";

interface Failure { message: string; errors: FieldError[] }
const failureOf = (e: unknown): Failure => ({ message: errorMessage(e), errors: e instanceof ApiError ? e.fieldErrors : [] });

export function BackupSection({ onRestored }: { onRestored?: () => void }) {
  const check = useRestoreCheckMutation();
  const restore = useRestoreMutation();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [preview, setPreview] = useState<RestoreResult | null>(null);
  const [done, setDone] = useState<RestoreResult | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);

  const pick = async (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    setPreview(null);
    setDone(null);
    setFailure(null);
    if (!f) return setFile(null);
    const text = await f.text();
    setFile({ name: f.name, text });
    check.mutate(text, { onSuccess: setPreview, onError: (err) => setFailure(failureOf(err)) });
  };

  const confirm = () => {
    if (!file) return;
    setFailure(null);
    restore.mutate(file.text, {
      onSuccess: (r) => {
        setDone(r);
        onRestored?.();
        setPreview(null);
        setFile(null);
        if (input.current) input.current.value = "";
      },
      onError: (err) => setFailure(failureOf(err)),
    });
  };

  return (
    <section className="card stack" aria-labelledby="backup-title">
      <h2 id="backup-title" style={{ margin: 0 }}>
        Backup and restore
      </h2>
      <p className="muted" style={{ margin: 0 }}>
        A backup is one JSON file with every version, the draft, the live version, the audit trail and these settings. Telemetry, events and
        the node list are not in it: workers report them again.
      </p>
      <div className="row">
        <a className="btn" href="/api/backup" download>
          Download backup
        </a>
      </div>
      <fieldset>
        <legend>Restore</legend>
        <Field
          label="Backup file"
          hint="Only an empty console takes a restore: a fresh install whose only version is the starter. You see what the file holds before anything is written."
        >
          <input ref={input} type="file" accept=".json,application/json" onChange={(e) => void pick(e)} />
        </Field>
        {check.isPending && (
          <p className="muted" role="status">
            Checking {file?.name}…
          </p>
        )}
        {preview && <RestorePreview fileName={file?.name ?? "backup"} r={preview} pending={restore.isPending} onConfirm={confirm} />}
        {failure && (
          <>
            <div className="alert" role="alert">
              {done || preview ? "Could not restore" : "This file cannot be restored"}: {failure.message}
            </div>
            <ErrorSummary errors={failure.errors} title="Problems in the file" />
          </>
        )}
        {done && (
          <div className="alert info" role="status">
            <span className="chip green">Restored</span>
            {done.versions} version{done.versions === 1 ? "" : "s"}
            {done.liveVersion ? `, v${done.liveVersion.number} live and sent to the connected workers` : ""}; draft at revision {done.draftRevision}.
          </div>
        )}
      </fieldset>
    </section>
  );
}

function RestorePreview({ fileName, r, pending, onConfirm }: { fileName: string; r: RestoreResult; pending: boolean; onConfirm: () => void }) {
  const rows = Object.entries(r.header.counts).filter(([, n]) => n > 0);
  return (
    <div className="stack" aria-label="Backup contents">
      <p style={{ margin: 0 }}>
        <strong>{fileName}</strong>: written {dateTime(r.header.createdAt)} by Signalbox {r.header.consoleVersion}. {r.versions} version
        {r.versions === 1 ? "" : "s"}
        {r.liveVersion ? `, v${r.liveVersion.number} live` : ", none live"}; draft at revision {r.draftRevision}.
      </p>
      <div className="table-wrap">
        <table aria-label="Rows per table">
          <thead>
            <tr>
              <th>Table</th>
              <th className="num">Rows</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([table, n]) => (
              <tr key={table}>
                <td className="mono small">{table}</td>
                <td className="num">{n}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {r.restorable ? (
        <p className="small muted" style={{ margin: 0 }}>
          {r.replacesStarter ? "The starter version of this console is replaced. " : ""}The restore runs in one transaction: all of it goes in, or nothing.
        </p>
      ) : (
        <div className="alert warn" role="alert">
          This console cannot take it: {r.reason}
        </div>
      )}
      <div className="row">
        <button type="button" className="btn primary" disabled={!r.restorable || pending} onClick={onConfirm}>
          {pending ? "Restoring…" : "Restore this backup"}
        </button>
      </div>
    </div>
  );
}
