// The Review drawer's validation summary (GET /api/draft/validation): the draft checked exactly as a publish
// checks it (publish.ts: the proxy's config schema and reference checks on the composed listeners and clusters,
// validation.ts), so "clean" here means the publish will not be refused as invalid_config, and each problem reads
// as the 422 will. Per-resource writes and PUT /api/config validate too, yet a draft can still hold what a
// publish refuses: a restored backup's draft rows are only checked to be JSON (lib/backup/tables.ts), and rows
// written by an older console may use what the current schema no longer accepts.
import { hashResources } from "./canonical";
import { composeResources } from "./draft-mapper";
import { readDraft } from "./draft-read";
import { validateDocument } from "./validation";
import { secretKinds } from "../secrets/secret-service";

export async function draftValidation() {
  const { rows, revision } = await readDraft();
  const resources = composeResources(rows);
  return { revision, draftHash: hashResources(resources), problems: validateDocument({ static_resources: resources }, await secretKinds()) };
}
