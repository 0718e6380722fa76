// Draft edits: a whole bootstrap document (PUT /api/config) or one resource (draft-routes.ts,
// draft-clusters.ts). Each composes the resulting draft, validates it with the contract (422 and nothing
// changes when invalid), checks If-Match, and writes it through writeDraft (draft-revision.ts).
import type { ConfigIssue } from "../../proxy-core/src/config/index";
import { InvalidConfigError } from "../errors";
import { transaction } from "../repos/transaction";
import { loadDraftRows } from "../repos/draft-repo";
import { hashResources } from "./canonical";
import { serialized } from "./draft-lock";
import { compose, decompose, type BootstrapDoc, type DraftRows } from "./draft-mapper";
import { checkRevision, writeDraft, type AuditSpec, type WriteOpts, type Written } from "./draft-revision";
import { nameRoutes } from "./route-names";
import { validateDocument } from "./validation";
import { secretKinds } from "../secrets/secret-service";
import { repeatedAsLists } from "./repeated-fields";
import { rememberValidated } from "./validated-draft";
import { currentEnvironment } from "../environment/scope";
import { jsonAt, jsonObject, jsonObjects } from "../json";

/** Errors inside the submitted resource (at `focus`) get paths relative to it. */
function relativize(errors: ConfigIssue[], focus: string | null): ConfigIssue[] {
  if (!focus) return errors;
  return errors.map((e) => {
    if (e.path === focus) return { ...e, path: "" };
    if (e.path.startsWith(focus + ".")) return { ...e, path: e.path.slice(focus.length + 1) };
    if (e.path.startsWith(focus + "[")) return { ...e, path: e.path.slice(focus.length) };
    return e;
  });
}

/** Replaces the draft with a bootstrap document (parsed JSON/YAML). Throws InvalidConfigError (422), or 409 on a stale If-Match. */
export async function replaceDraft(input: unknown, actor: string, opts: WriteOpts = {}): Promise<Written<BootstrapDoc>> {
  const errors = validateDocument(input, await secretKinds());
  if (errors.length) throw new InvalidConfigError(errors);
  // single objects where Envoy takes one in place of a list are stored as the lists they stand for
  const sr = jsonObject(jsonAt(repeatedAsLists(input), "static_resources")) ?? {};
  // only listeners and clusters belong to the draft (node/admin are per-worker bootstrap settings)
  const doc = { static_resources: { listeners: jsonObjects(sr.listeners), clusters: jsonObjects(sr.clusters) } };
  // routes get a name and stat_prefix where they have none (route-names.ts)
  const rows = nameRoutes(decompose(doc));
  return serialized(async () => {
    const from = await checkRevision(opts);
    const before = await loadDraftRows(currentEnvironment());
    const { revision } = await transaction((tx) =>
      writeDraft(tx, {
        before, after: rows, from, actor, opts,
        audit: { action: "draft.replace", target: "draft", details: { listeners: doc.static_resources.listeners.length, clusters: doc.static_resources.clusters.length, hash: hashResources(doc.static_resources) } },
      }),
    );
    return { value: compose(rows), revision };
  });
}

/**
 * Applies `change` to a copy of the draft rows, validates the composed document and writes it.
 * `change` returns the absolute path of the submitted resource (errors inside it become relative) and the result.
 */
export async function mutateDraft<T>(
  actor: string,
  opts: WriteOpts,
  audit: AuditSpec,
  change: (rows: DraftRows) => { focus: string | null; result: (rows: DraftRows) => T },
): Promise<Written<T>> {
  const env = currentEnvironment();
  return serialized(async () => {
    const from = await checkRevision(opts);
    const before = await loadDraftRows(env);
    const rows = structuredClone(before);
    const { focus, result } = change(rows);
    nameRoutes(rows);
    const doc = compose(rows);
    const errors = validateDocument(doc, await secretKinds());
    if (errors.length) throw new InvalidConfigError(relativize(errors, focus));
    const { revision } = await transaction((tx) => writeDraft(tx, { before, after: rows, from, actor, opts, audit }));
    // the publish that follows an edit need not compose and validate the draft again
    rememberValidated(env, revision, doc.static_resources);
    return { value: result(rows), revision };
  });
}
