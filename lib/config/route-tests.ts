// The draft's route tests (GET/PUT/DELETE /api/draft/route-tests): Envoy's route table check tool test file
// (router_check_tool; Envoy docs "Route table check tool"), stored as imported so an export gives it back. Editing
// it is a draft write like a route edit: checked against If-Match under the config lock, it bumps the draft
// revision with a DraftChange of kind `route_tests` and is audited (`draft.route_tests`). The suite is checked
// with proxy-core's RouteTestFile (the same schema `proxy-core route-check` reads), 422 with each field's path.
import { parseRouteTests, type RouteTestFile } from "../../proxy-core/src/router-check/schema";
import { InvalidConfigError, badRequest } from "../errors";
import { addAudit } from "../repos/audit-repo";
import { recordDraftChanges, type DraftEdit } from "../repos/draft-change-repo";
import { bumpDraftRevision, getDraftState } from "../repos/draft-state-repo";
import { getDraftSuite, setDraftSuite } from "../repos/route-test-repo";
import { transaction } from "../repos/transaction";
import { canonicalJson } from "./canonical";
import { formatOf, parseConfigText } from "./config-format";
import { serialized } from "./draft-lock";
import { checkRevision, staleRevision, type WriteOpts, type Written } from "./draft-revision";
import { currentEnvironment } from "../environment/scope";

/** What GET answers for a draft without tests: a document PUT takes back to mean "no tests". */
export const EMPTY_SUITE = { tests: [] as Record<string, unknown>[] };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** `{tests: []}`: no tests (Envoy's schema wants at least one, so the empty list can only mean "clear"). */
export const isEmptySuite = (doc: unknown) => isRecord(doc) && Array.isArray(doc.tests) && doc.tests.length === 0;

/** A request body (JSON or YAML by Content-Type, sniffed when absent) → the document. 400 with the parser's line. */
export function parseSuiteText(text: string, contentType: string | null): unknown {
  if (!text.trim()) throw badRequest('empty body: send a route test file ({"tests": [{"test_name", "input", "validate"}]}), or {"tests": []} to remove the tests');
  return parseConfigText(text, formatOf(contentType, text));
}

/** The tests of a document, or null for the empty suite; 422 naming each problem's path when it is not Envoy's format. */
export function checkSuite(doc: unknown): RouteTestFile | null {
  if (isEmptySuite(doc)) return null;
  const r = parseRouteTests(doc);
  if (!r.ok) throw new InvalidConfigError(r.errors, `the route tests are not valid (${r.errors.length} problem${r.errors.length === 1 ? "" : "s"}): ${r.errors[0]?.path ? `${r.errors[0].path}: ` : ""}${r.errors[0]?.message ?? ""}`);
  return r.value;
}

/** The draft's suite as stored (null: none) and the draft's revision, read together. */
export async function readRouteTests(): Promise<{ suite: Record<string, unknown> | null; revision: number }> {
  const env = currentEnvironment();
  return transaction(async (tx) => {
    const [suite, state] = await Promise.all([getDraftSuite(env, tx), getDraftState(env, tx)]);
    return { suite: isRecord(suite) ? suite : null, revision: state.revision };
  });
}

/**
 * Replaces the draft's tests with `doc` (parsed JSON or YAML; `{tests: []}` removes them). Nothing changes on a
 * 422 or a stale If-Match (409 with what changed since). A suite equal to the stored one keeps the revision.
 */
export async function putRouteTests(doc: unknown, actor: string, opts: WriteOpts = {}): Promise<Written<Record<string, unknown>>> {
  const tests = checkSuite(doc);
  const next = tests === null ? null : (doc as Record<string, unknown>);
  const env = currentEnvironment();
  return serialized(async () => {
    const from = await checkRevision(opts);
    return transaction(async (tx) => {
      const before = await getDraftSuite(env, tx);
      let revision = from;
      const change: DraftEdit["change"] | null =
        before === null ? (next === null ? null : "added") : next === null ? "removed" : canonicalJson(before) === canonicalJson(next) ? null : "changed";
      const edits: DraftEdit[] = change === null ? [] : [{ kind: "route_tests", name: "suite", change }];
      if (change !== null) {
        const at = new Date();
        await setDraftSuite(tx, env, next, actor, at);
        const bumped = await bumpDraftRevision(tx, env, from, actor, at);
        if (bumped === null) throw await staleRevision(from, (await getDraftState(env, tx)).revision, tx);
        revision = bumped;
        await recordDraftChanges(tx, env, revision, actor, at, edits);
      }
      await addAudit(tx, {
        actor, action: "draft.route_tests", target: "draft",
        details: { environment: env, tests: tests?.tests.length ?? 0, revision, ifMatch: opts.ifMatch !== undefined && opts.ifMatch !== null, changes: edits },
      });
      return { value: next ?? EMPTY_SUITE, revision };
    });
  });
}
