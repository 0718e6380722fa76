"use client";
// A route test run (POST /api/draft/route-tests/run) shown: each test against the draft and the live version, a
// failing one with Envoy's failure lines, then the draft's coverage as Envoy's tool counts it, and the routes no
// test reaches, highlighted.
import type { RouteTestReport, RouteTestRun } from "@/lib/contract/route-tests";
import { percentText } from "./route-tests-model";

function verdict(r: RouteTestReport): string {
  if (r.error !== null) return "could not run";
  const failed = r.results.filter((t) => !t.passed).length;
  return failed === 0 ? `all ${r.results.length} pass` : `${failed} of ${r.results.length} fail`;
}

function Cell({ report, i }: { report: RouteTestReport | null; i: number }) {
  const t = report?.results[i];
  if (!t) return <td className="muted">—</td>;
  return (
    <td>
      <span className={`chip ${t.passed ? "green" : "red"}`}>{t.passed ? "pass" : "fail"}</span>
      {t.failures.length > 0 && (
        <ul className="mono small" style={{ margin: "4px 0 0", paddingLeft: 16 }}>
          {t.failures.map((f, j) => (
            <li key={j}>{f}</li>
          ))}
        </ul>
      )}
    </td>
  );
}

export function RouteTestResults({ run }: { run: RouteTestRun }) {
  if (run.tests === 0 && run.draft.error === null) return <p className="muted">No tests to run: write some above, or import a file.</p>;
  const liveLabel = run.liveVersion ? `live v${run.liveVersion.number}` : "live";
  const names = (run.draft.results.length ? run.draft.results : (run.live?.results ?? [])).map((t) => t.testName);
  const cov = run.draft.coverage;
  return (
    <section className="stack" aria-label="Route test results" data-testid="route-test-results">
      <p role="status" style={{ margin: 0 }}>
        <span className={`chip ${run.draft.passed ? "green" : "red"}`}>draft: {verdict(run.draft)}</span>{" "}
        {run.live && <span className={`chip ${run.live.passed ? "green" : "red"}`}>{liveLabel}: {verdict(run.live)}</span>}
      </p>
      {[run.draft, run.live].map((r, k) => r?.error && <div key={k} className="alert" role="alert">{r.error}</div>)}
      {names.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Test</th>
                <th scope="col">Draft</th>
                {run.live && <th scope="col">{liveLabel}</th>}
              </tr>
            </thead>
            <tbody>
              {names.map((n, i) => (
                <tr key={i} data-testid="route-test-row">
                  <th scope="row" style={{ fontWeight: 500 }}>{n}</th>
                  <Cell report={run.draft} i={i} />
                  {run.live && <Cell report={run.live} i={i} />}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {cov && (
        <div className="stack" aria-label="Coverage">
          <p style={{ margin: 0 }}>
            Coverage of the draft&apos;s routes: <strong data-testid="route-test-coverage">{percentText(cov.comprehensivePercent)}</strong>{" "}
            <span className="muted small">
              (every checkable field, as <code>--covall</code> counts; {percentText(cov.percent)} of the {cov.entries} route entries are reached by a passing check)
            </span>
          </p>
          {cov.missing.length > 0 ? (
            <div>
              <span className="small">Routes no test reaches:</span>
              <ul style={{ listStyle: "none", margin: "4px 0 0", padding: 0 }} aria-label="Routes no test reaches">
                {cov.missing.map((m) => (
                  <li key={`${m.virtualHost}/${m.index}`} className="row" style={{ gap: 6, marginBottom: 2 }}>
                    <span className="chip amber">untested</span>
                    <span>
                      {m.virtualHost} · {m.name ?? `route ${m.index + 1}`}
                    </span>
                    <code className="muted">{m.match.trim().replace(/\n\s*/g, " ")}</code>
                  </li>
                ))}
              </ul>
            </div>
          ) : (
            <p className="small muted" style={{ margin: 0 }}>Every route is reached by a passing test.</p>
          )}
        </div>
      )}
    </section>
  );
}
