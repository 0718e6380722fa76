"use client";
// Review & publish, section 2: the draft checked as the publish checks it (GET /api/draft/validation: the proxy's
// config schema and its reference checks). Each problem is a field path and a message, the same words a refused
// publish answers with. Publish stays disabled while there is one. The other things that stop a publish have
// their own sections (no changes: the diff; failing route tests: the route-test gate): this links to them.
import { errorMessage } from "@/components/queries/api-client";
import type { DraftStatus } from "@/components/queries/types";
import { useDraftValidationQuery } from "@/components/queries/use-draft-validation-query";
import { Skeleton } from "@/components/ui/skeleton";

/** Anchors of the drawer's sections, for the links here. */
export const REVIEW_SECTION_IDS = { changes: "review-changes", routeTests: "review-route-tests" } as const;

export function problemCount(n: number): string {
  return `${n} problem${n === 1 ? "" : "s"}`;
}

/** The validation of the draft under review: `blockedBy` is the reason Publish is disabled (null: it is not, for this). */
export function useDraftValidation(status: DraftStatus) {
  const q = useDraftValidationQuery(status.draftHash);
  // a stale answer (another draft) never blocks or clears this one: wait for the draft's own
  const data = q.data && q.data.draftHash === status.draftHash ? q.data : undefined;
  const problems = data?.problems ?? [];
  const blockedBy = problems.length ? `The draft has ${problemCount(problems.length)}: fix ${problems.length === 1 ? "it" : "them"} first.` : null;
  return { q, data, problems, blockedBy };
}

export type DraftValidationState = ReturnType<typeof useDraftValidation>;

export function ValidationSummary({ state, noChanges, routeTestsFail }: { state: DraftValidationState; noChanges: boolean; routeTestsFail: boolean }) {
  const { q, data, problems } = state;
  const others = (
    <>
      {noChanges && (
        <p className="muted small" style={{ margin: 0 }}>
          Nothing to publish: see <a href={`#${REVIEW_SECTION_IDS.changes}`}>Changes</a>.
        </p>
      )}
      {routeTestsFail && (
        <p className="muted small" style={{ margin: 0 }}>
          Route tests fail against the draft: see <a href={`#${REVIEW_SECTION_IDS.routeTests}`}>Route tests</a>.
        </p>
      )}
    </>
  );
  if (q.isError)
    return (
      <div className="stack" data-testid="validation-summary">
        <h3>Validation</h3>
        <p className="muted small" style={{ margin: 0 }}>
          The draft could not be validated here ({errorMessage(q.error)}); Publish still validates it.
        </p>
        {others}
      </div>
    );
  if (!data)
    return (
      <div className="stack" role="status" aria-label="Validating the draft">
        <h3>Validation</h3>
        <Skeleton width="40%" />
      </div>
    );
  if (problems.length === 0)
    return (
      <div className="stack" data-testid="validation-summary" data-state="clean">
        <h3>
          Validation: <span className="chip green">clean ✓</span>
        </h3>
        {others}
      </div>
    );
  return (
    <div className="stack" data-testid="validation-summary" data-state="problems">
      <h3>
        Validation: <span className="chip red">{problemCount(problems.length)}</span>
      </h3>
      <ul className="stack" aria-label="Validation problems" style={{ listStyle: "none", padding: 0, margin: 0, gap: 8 }}>
        {problems.map((p, i) => (
          <li key={i} className="stack" style={{ gap: 2 }}>
            {/* paths are long and have no spaces: break them anywhere rather than widen the drawer */}
            <code style={{ overflowWrap: "anywhere" }}>{p.path || "(the document)"}</code>
            <span>{p.message}</span>
          </li>
        ))}
      </ul>
      {others}
    </div>
  );
}
