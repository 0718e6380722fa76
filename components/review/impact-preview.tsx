"use client";
// Review & publish, step 3: the workers' recent requests replayed against the draft, in sentences ("37
// requests/min to /api/v1 move from cluster a to cluster b"), each with up to three of the requests behind it.
import { useImpactQuery } from "@/components/queries/use-impact";
import { ErrorState } from "@/components/ui/error-state";
import { Skeleton } from "@/components/ui/skeleton";
import { headText, impactView } from "./impact-sentences";

export function ImpactPreview() {
  const q = useImpactQuery();
  if (q.isError) return <ErrorState what="the impact preview" error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data)
    return (
      <div className="stack" role="status" aria-label="Loading impact preview">
        <Skeleton width="70%" />
        <Skeleton width="50%" />
      </div>
    );
  const v = impactView(q.data);
  return (
    <section className="stack" aria-label="Impact preview" data-testid="impact-preview">
      {v.empty ? (
        <p className="muted">No recent traffic to replay: once the workers have served requests, this shows where the draft would send them.</p>
      ) : (
        <>
          <p className="muted">{v.summary}</p>
          {v.lines.length === 0 ? (
            <p>No sampled request would change route or destination.</p>
          ) : (
            <ul className="stack" style={{ listStyle: "none", margin: 0, padding: 0 }}>
              {v.lines.map((l) => (
                <li key={l.key}>
                  <span className={`chip ${l.tone}`}>{l.tone === "red" ? "no route" : "moves"}</span> <strong>{l.text}</strong>
                  <div className="field-hint">{l.detail}</div>
                  {l.examples.length > 0 && (
                    <details>
                      <summary className="field-hint">Example requests</summary>
                      <ul className="field-hint" style={{ fontFamily: "var(--mono)", margin: "4px 0 0", paddingLeft: 18 }}>
                        {l.examples.map((h, i) => (
                          <li key={i}>
                            {headText(h)}
                            {h.headers.length > 0 && <span className="muted"> {pairs(h.headers)}</span>}
                          </li>
                        ))}
                      </ul>
                    </details>
                  )}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      {v.notes.map((n, i) => (
        <p key={i} className="field-hint">
          Note: {n}
        </p>
      ))}
    </section>
  );
}

function pairs(headers: string[]): string {
  const out: string[] = [];
  for (let i = 0; i + 1 < headers.length; i += 2) out.push(`${headers[i]}: ${headers[i + 1]}`);
  return out.join(", ");
}
