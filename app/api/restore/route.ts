import { withHandler, reply } from "@/lib/http";
import { RestoreQuery, RestoreResult } from "@/lib/contract";
import { readBackupText } from "@/lib/backup/read-body";
import { restoreBackup } from "@/lib/backup/restore";

/**
 * Restores a file GET /api/backup wrote into an empty console, in one transaction (201); ?dryRun=true checks the
 * file and the store and writes nothing (200). 400/422 for a file that is not a sound backup, 409 for a store
 * that is not empty; either way nothing changes.
 */
export const POST = withHandler({ query: RestoreQuery, response: RestoreResult, role: "admin" }, async ({ req, query, actor }) => {
  const result = await restoreBackup(await readBackupText(req), actor.name, { dryRun: query.dryRun });
  return reply(result, result.restored ? 201 : 200);
});
