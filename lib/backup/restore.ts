// POST /api/restore: a backup file into an empty store (store-state.ts), in ONE transaction, under the config
// lock so no draft edit or publish interleaves. Any refusal leaves the store exactly as it was: the file is
// checked whole before anything is written (file-checks.ts), and a failure while writing rolls back. Then the
// live version is pushed to the connected workers and the restored settings are applied to telemetry.
import { ApiError, conflict } from "../errors";
import type { RestoreResult } from "../contract/backup";
import { serialized } from "../config/draft-lock";
import { notifyLive } from "../config/notify";
import { addAudit } from "../repos/audit-repo";
import { deferForeignKeys, deleteRows, foreignKeyViolations, insertRows, storeTransaction } from "../repos/backup-repo";
import { getDraftState } from "../repos/draft-state-repo";
import { liveVersionIds } from "../repos/live-state-repo";
import { DEFAULT_ENVIRONMENT } from "../contract/environments";
import { countVersions, getVersion, type Version } from "../repos/version-repo";
import { getSettings } from "../settings/settings-service";
import { getTelemetry } from "../telemetry/registry";
import { InvalidBackupError, checkRows, decodeRow, parseBackup } from "./file-checks";
import { storeState } from "./store-state";
import { forgetValidated } from "../config/validated-draft";
import { forgetDraftReads } from "../config/draft-read";
import { tableShapes } from "./tables";

/** Thrown inside the transaction to roll it back with a 4xx. */
function writeFailed(table: string, e: unknown): ApiError {
  const msg = (e as Error).message?.split("\n").filter(Boolean).pop() ?? String(e);
  return new InvalidBackupError([{ path: `tables.${table}`, message: `could not be written: ${msg}` }]);
}

export async function restoreBackup(text: string, actor: string, opts: { dryRun: boolean }): Promise<RestoreResult> {
  const file = parseBackup(text);
  const out = await serialized(async () => {
    const { tables: shapes } = await tableShapes();
    const errors = checkRows(file.tables, shapes);
    if (errors.length) throw new InvalidBackupError(errors);
    const versions = file.tables.ConfigVersion ?? [];
    // the summary speaks of the default environment; every environment is restored
    const liveId = (file.tables.LiveState ?? []).find((r) => r.id === DEFAULT_ENVIRONMENT)?.versionId ?? null;
    const liveRow = versions.find((r) => r.id === liveId);
    const draftRow = (file.tables.DraftState ?? []).find((r) => r.id === DEFAULT_ENVIRONMENT);
    const summary = {
      header: file.header,
      versions: versions.length,
      liveVersion: liveRow ? { id: String(liveRow.id), number: Number(liveRow.number) } : null,
      draftRevision: draftRow ? Number(draftRow.revision) : 0,
    };

    if (opts.dryRun) {
      const state = await storeTransaction((tx) => storeState(tx));
      return { live: [], result: { ...summary, dryRun: true, restored: false, restorable: state.empty, reason: state.reason, replacesStarter: state.replacesStarter } };
    }

    const { live, state } = await storeTransaction(async (tx) => {
      const state = await storeState(tx);
      if (!state.empty) throw conflict(`nothing was restored: ${state.reason}`);
      const replaced = { versions: await countVersions(undefined, tx), draftRevision: (await getDraftState(DEFAULT_ENVIRONMENT, tx)).revision };
      await deferForeignKeys(tx);
      for (const { spec } of [...shapes].reverse()) await deleteRows(spec.name, tx);
      for (const { spec, columns } of shapes) {
        const rows = (file.tables[spec.name] ?? []).map((r) => decodeRow(r, columns));
        try {
          await insertRows(spec.name, rows, tx);
        } catch (e) {
          throw writeFailed(spec.name, e);
        }
      }
      const broken = await foreignKeyViolations(tx);
      if (broken.length) throw new InvalidBackupError(broken.slice(0, 20).map((b) => ({ path: `tables.${b.table}`, message: `a row names a ${b.parent} the file does not hold` })));
      await addAudit(tx, {
        actor, action: "backup.restore", target: "store",
        details: {
          createdAt: file.header.createdAt, consoleVersion: file.header.consoleVersion, sha256: file.header.sha256,
          counts: file.header.counts, liveVersion: summary.liveVersion, replacedStarter: state.replacesStarter, replaced,
        },
      });
      const lives: Version[] = [];
      for (const id of (await liveVersionIds(tx)).values()) {
        const v = await getVersion(id, tx);
        if (v) lives.push(v);
      }
      return { live: lives, state };
    });
    // under the config lock, before any publish: the restored drafts' revisions may repeat ones this console validated
    forgetValidated();
    forgetDraftReads();
    return { live, result: { ...summary, dryRun: false, restored: true, restorable: true, reason: null, replacesStarter: state.replacesStarter } };
  });
  if (!opts.dryRun) await afterRestore(out.live);
  return out.result;
}

/** The running console catches up with the restored store: workers get their environment's live version, telemetry the settings. */
async function afterRestore(live: Version[]): Promise<void> {
  for (const v of live) notifyLive(v);
  try {
    getTelemetry()?.settingsChanged(await getSettings());
  } catch (e) {
    console.error("[backup] applying the restored settings failed:", e);
  }
}
