"use client";
// One version's answer in the route tester: the outcome, the listener and virtual host (and why that one), the
// routes in match order up to the one taking the request, highlighted, each earlier one with the reasons it did
// not match, what the route does, and what each HTTP filter would do.
import type { Explanation } from "@/lib/contract/explain";
import { percent } from "./route-tester-model";

type Action = NonNullable<Explanation["action"]>;

function tone(e: Explanation): "green" | "amber" | "red" | "" {
  const s = e.outcome.status;
  if (e.outcome.responseFlag !== null || (s !== null && s >= 400)) return "red";
  if (s !== null) return "amber";
  return e.route !== null ? "green" : "";
}

function ActionLine({ a }: { a: Action }) {
  switch (a.kind) {
    case "cluster":
      return (
        <span>
          → cluster <code>{a.cluster}</code>
          {a.known === false && <span className="tone-red"> (no such cluster)</span>}
        </span>
      );
    case "weighted_clusters":
      return (
        <span>
          → split by weight:{" "}
          {a.clusters.map((c, i) => (
            <span key={c.name}>
              {i > 0 && " · "}
              <code>{c.name}</code> {percent(c.probability)}
              <span className="muted small"> ({c.weight}/{a.totalWeight})</span>
            </span>
          ))}
          {a.picked !== null && <span className="muted small"> · this request: {a.picked}</span>}
        </span>
      );
    case "cluster_header":
      return (
        <span>
          → the cluster named by header <code>{a.header}</code>: {a.cluster === null ? <span className="tone-red">absent (503)</span> : <code>{a.cluster}</code>}
        </span>
      );
    case "redirect":
    case "tls_redirect":
      return (
        <span>
          <span className="badge">{a.status}</span> redirect to <code>{a.location}</code>
          {a.kind === "tls_redirect" && <span className="muted small"> (require_tls)</span>}
        </span>
      );
    case "direct_response":
      return (
        <span>
          <span className="badge">{a.status}</span> direct response, {a.bodyFile !== null ? `body from ${a.bodyFile}` : `${a.bodyBytes} byte body`}
        </span>
      );
  }
}

const EFFECT_CHIP = { acts: "amber", disabled: "", skipped: "" } as const;

export function ExplanationView({ e, title }: { e: Explanation; title: string }) {
  const t = tone(e);
  return (
    <section aria-label={`${title} result`} className="stack" style={{ gap: 8, minWidth: 0 }}>
      <div className="row" style={{ flexWrap: "wrap" }}>
        <strong>{title}</strong>
        <span className={`chip ${t}`} role="status">
          {e.outcome.summary}
        </span>
      </div>
      {(e.listener || e.virtualHost) && (
        <div className="muted small">
          {e.listener && (
            <>
              listener <code>{e.listener.name}</code> ({e.listener.address}){" · "}
            </>
          )}
          {e.virtualHost ? (
            <>
              virtual host <code>{e.virtualHost.name}</code> by {e.virtualHost.matchedBy === "wildcard" ? "the wildcard domain *" : `${e.virtualHost.matchedBy} domain ${e.virtualHost.domain}`}
            </>
          ) : (
            "no virtual host"
          )}
        </div>
      )}
      {(e.skipped.length > 0 || e.route) && (
        <ol className="stack" style={{ gap: 6, listStyle: "none", margin: 0, padding: 0 }} aria-label={`${title} routes in match order`}>
          {e.skipped.map((r) => (
            <li key={r.index} aria-label={`Route ${r.index + 1} did not match`} className="small">
              <span className="tone-red" aria-hidden="true">
                ✗{" "}
              </span>
              <span className="muted">#{r.index + 1}</span> <code>{r.match}</code>
              {r.name && <span className="muted"> {r.name}</span>}
              <ul style={{ margin: "2px 0 0", paddingLeft: 22 }}>
                {r.reasons.map((why, i) => (
                  <li key={i}>{why.message}</li>
                ))}
              </ul>
            </li>
          ))}
          {e.route && (
            <li aria-current="true" aria-label={`Route ${e.route.index + 1} takes the request`} className="small" style={{ background: "var(--accent-soft)", border: "1px solid var(--accent)", borderRadius: "var(--radius)", padding: "6px 8px" }}>
              <span className="tone-green" aria-hidden="true">
                ✓{" "}
              </span>
              <span className="muted">#{e.route.index + 1}</span> <code>{e.route.match}</code>
              {e.route.name && <span className="muted"> {e.route.name}</span>} <strong>takes the request</strong>
              {e.route.conditions.length > 0 && <div className="muted">when {e.route.conditions.join(", ")}</div>}
              {e.action && (
                <div>
                  <ActionLine a={e.action} />
                </div>
              )}
              {e.upstream && (e.upstream.pathRewritten || e.upstream.hostRewritten) && (
                <div className="muted">
                  upstream sees {e.upstream.hostRewritten && <code>Host: {e.upstream.host}</code>} {e.upstream.pathRewritten && <code>{e.upstream.path}</code>}
                </div>
              )}
            </li>
          )}
        </ol>
      )}
      {!e.route && e.action && <ActionLine a={e.action} />}
      {e.filters.length > 0 && (
        <div>
          <div className="muted small">HTTP filters</div>
          <ul style={{ margin: "2px 0 0", paddingLeft: 18 }} className="small" aria-label={`${title} HTTP filters`}>
            {e.filters.map((f) => (
              <li key={f.name} title={f.details.join("\n")}>
                <code>{f.name}</code> <span className={`chip plain ${EFFECT_CHIP[f.effect]}`}>{f.effect}</span> {f.summary}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
