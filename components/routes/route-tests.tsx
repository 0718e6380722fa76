"use client";
// Route tests on the Routes page: the draft's suite (Envoy's route table check tool test file) as YAML in an
// editor checked as you type (field path and line of each problem), saved as a draft change (If-Match), run
// against the draft and the live version with coverage, imported from and exported to a file.
import { useMemo, useRef, useState } from "react";
import { draftConflictOf, errorMessage } from "@/components/queries/api-client";
import { useRouteTestsQuery, useRunRouteTestsMutation, useSaveRouteTestsMutation } from "@/components/queries/use-route-tests";
import { ConflictNotice } from "@/components/ui/conflict-notice";
import { ErrorState } from "@/components/ui/error-state";
import { Skeleton } from "@/components/ui/skeleton";
import { checkSuiteText, issueText, suiteToYaml } from "./route-tests-model";
import { RouteTestResults } from "./route-tests-results";
import { useReadOnly } from "@/components/queries/use-session";

const PLACEHOLDER = `tests:
- test_name: users go to the users cluster
  input: {authority: api.example.com, path: /v1/users, method: GET}
  validate: {cluster_name: users}`;

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function RouteTests() {
  const q = useRouteTestsQuery();
  const save = useSaveRouteTestsMutation();
  const run = useRunRouteTestsMutation();
  // null: the editor shows the stored suite; otherwise the user's text and the suite and revision it started from
  const [edit, setEdit] = useState<{ text: string; base: unknown; revision: number | null } | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  // a viewer reads and runs the suite (running stores nothing); editing and saving it are an editor's
  const readOnly = useReadOnly();

  const stored = q.data?.data;
  const storedText = useMemo(() => (stored && stored.tests.length > 0 ? suiteToYaml(stored) : ""), [stored]);
  const text = edit?.text ?? storedText;
  const check = useMemo(() => checkSuiteText(text), [text]);
  const conflict = draftConflictOf(save.error);

  const change = (t: string) => setEdit((e) => ({ text: t, base: e?.base ?? stored, revision: e ? e.revision : (q.data?.revision ?? null) }));

  // The edit stands on the suite it started from: while the stored suite is still that one, it is saved on the
  // draft's latest revision (other draft edits do not conflict with it); otherwise on its own, and a 409 says who changed it.
  const submit = async (reapply = false) => {
    if (!check.ok || edit === null) return;
    const fresh = (await q.refetch()).data;
    const revision = fresh && (reapply || same(fresh.data, edit.base)) ? fresh.revision : edit.revision;
    save.mutate({ doc: check.doc, revision }, { onSuccess: () => setEdit(null) });
  };

  const importFile = async (file: File | undefined) => {
    if (!file) return;
    change(await file.text());
    if (fileRef.current) fileRef.current.value = "";
  };

  if (q.isError) return <ErrorState what="the route tests" error={q.error} onRetry={() => void q.refetch()} />;
  const issues = check.ok ? [] : check.issues;

  return (
    <section className="card stack" aria-label="Route tests" style={{ marginTop: 24 }}>
      <div className="row" style={{ flexWrap: "wrap" }}>
        <div>
          <h2 style={{ margin: 0 }}>Route tests</h2>
          <p className="muted small" style={{ margin: 0 }}>
            Envoy&apos;s route table check tool format. Saved with the draft; every publish runs them and is refused when one fails.
          </p>
        </div>
        <span className="spacer" />
        {!readOnly && (
          <label className="btn">
            Import file…
            <input ref={fileRef} type="file" accept=".yaml,.yml,.json,application/json,application/yaml" className="sr-only" aria-label="Import route tests file" onChange={(e) => void importFile(e.target.files?.[0])} />
          </label>
        )}
        <a className="btn" href="/api/draft/route-tests?format=yaml" download="route-tests.yaml">
          Export file
        </a>
      </div>
      {q.isPending ? (
        <Skeleton width="100%" />
      ) : (
        <>
          <textarea
            aria-label="Route tests (YAML)"
            aria-invalid={issues.length > 0 ? true : undefined}
            aria-describedby="route-tests-issues"
            className="mono"
            rows={Math.min(30, Math.max(8, text.split("\n").length + 1))}
            spellCheck={false}
            value={text}
            placeholder={PLACEHOLDER}
            readOnly={readOnly}
            onChange={(e) => change(e.target.value)}
          />
          <div id="route-tests-issues">
            {issues.length > 0 ? (
              <ul className="field-error" role="alert" aria-label="Problems in the route tests" style={{ margin: 0, paddingLeft: 18 }}>
                {issues.map((i, k) => (
                  <li key={k}>{issueText(i)}</li>
                ))}
              </ul>
            ) : (
              <span className="field-hint">{check.ok && check.tests > 0 ? `${check.tests} test${check.tests === 1 ? "" : "s"}` : "No tests"}{edit !== null ? " · unsaved changes" : ""}</span>
            )}
          </div>
          {conflict && <ConflictNotice conflict={conflict} pending={save.isPending} onReapply={() => void submit(true)} onDiscard={() => (setEdit(null), save.reset())} />}
          {save.isError && !conflict && (
            <div className="alert" role="alert">
              Saving the route tests failed: {errorMessage(save.error)}
            </div>
          )}
          <div className="row" style={{ gap: 8 }}>
            {!readOnly && (
              <button type="button" className="btn primary" disabled={!check.ok || edit === null || save.isPending} onClick={() => void submit()}>
                {save.isPending ? "Saving…" : "Save tests"}
              </button>
            )}
            <button type="button" className="btn" disabled={!check.ok || run.isPending} onClick={() => check.ok && run.mutate(check.doc)}>
              {run.isPending ? "Running…" : "Run tests"}
            </button>
            {edit !== null && (
              <button type="button" className="btn link" onClick={() => (setEdit(null), save.reset())}>
                Revert
              </button>
            )}
          </div>
          {run.isError && (
            <div className="alert" role="alert">
              Running the route tests failed: {errorMessage(run.error)}
            </div>
          )}
          {run.data && <RouteTestResults run={run.data} />}
        </>
      )}
    </section>
  );
}
