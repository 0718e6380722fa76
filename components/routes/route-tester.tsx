"use client";
// The route tester above the Routes table: type a request (method, host, path, headers), press Enter, and see the
// route that takes it in the draft and in the live version side by side, why each earlier route did not, what the
// route does and what the HTTP filters would do (POST /api/routes/explain, answered by the proxy's own router).
import { useState, type FormEvent } from "react";
import { errorMessage } from "@/components/queries/api-client";
import { useExplainMutation } from "@/components/queries/use-explain-mutation";
import { ExplanationView } from "./explanation-view";
import { EMPTY_TESTER, METHODS, toExplainBody, type TesterForm } from "./route-tester-model";

export function RouteTester({ listeners }: { listeners: string[] }) {
  // POST /api/routes/explain changes nothing: a viewer tests requests too
  const explain = useExplainMutation();
  const [f, setF] = useState<TesterForm>(EMPTY_TESTER);
  const [problem, setProblem] = useState<{ field: string; error: string } | null>(null);
  const set = <K extends keyof TesterForm>(k: K, v: TesterForm[K]) => {
    setF((prev) => ({ ...prev, [k]: v }));
    setProblem(null);
  };

  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    const c = toExplainBody(f);
    if (!c.ok) return setProblem({ field: c.field, error: c.error });
    setF(c.form);
    explain.mutate(c.body);
  };

  const err = (field: string) => (problem?.field === field ? problem.error : undefined);
  const data = explain.data;
  const differs = data?.live != null && data.live.outcome.summary !== data.draft.outcome.summary;

  return (
    <section className="card" aria-label="Route tester" style={{ marginBottom: 16 }}>
      <form onSubmit={submit} className="row" style={{ flexWrap: "wrap", alignItems: "flex-start" }} noValidate>
        <strong style={{ alignSelf: "center" }}>Route tester</strong>
        <select aria-label="Method" value={f.method} onChange={(e) => set("method", e.target.value)} style={{ width: "auto" }}>
          {METHODS.map((m) => (
            <option key={m}>{m}</option>
          ))}
        </select>
        <TesterInput label="Host" value={f.host} onChange={(v) => set("host", v)} placeholder="api.example.com" error={err("host")} flex={2} />
        <TesterInput label="Path" value={f.path} onChange={(v) => set("path", v)} placeholder="/v1/users" error={err("path")} flex={2} />
        <TesterInput label="Headers" value={f.headers} onChange={(v) => set("headers", v)} placeholder="headers… x-env: canary; accept: text/html" error={err("headers")} flex={3} />
        {listeners.length > 1 && (
          <select aria-label="Listener" value={f.listener} onChange={(e) => set("listener", e.target.value)} style={{ width: "auto" }}>
            <option value="">first HTTP listener</option>
            {listeners.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        )}
        <label className="row small" style={{ gap: 4, alignSelf: "center" }}>
          <input type="checkbox" checked={f.tls} onChange={(e) => set("tls", e.target.checked)} /> TLS
        </label>
        <button type="submit" className="btn primary" disabled={explain.isPending}>
          {explain.isPending ? "Testing…" : "Test"}
        </button>
      </form>
      <p className="muted small" style={{ margin: "6px 0 0" }}>
        Which route takes a request, in the draft and in the live version, and why the routes before it do not match. Enter runs it.
      </p>
      {explain.isError && (
        <div className="alert" role="alert" style={{ marginTop: 10 }}>
          {errorMessage(explain.error)}
        </div>
      )}
      {data && (
        <div style={{ display: "grid", gridTemplateColumns: "repeat(2, minmax(0, 1fr))", gap: 16, marginTop: 12 }}>
          <ExplanationView e={data.draft} title="Draft" />
          {data.live ? (
            <ExplanationView e={data.live} title={`Live v${data.liveVersion?.number ?? "?"}`} />
          ) : (
            <section aria-label="Live result" className="muted small">
              <strong>Live</strong>: nothing is published yet.
            </section>
          )}
          {differs && (
            <p className="small" role="note" style={{ gridColumn: "1 / -1", margin: 0 }}>
              <span className="chip amber">changes on publish</span> the draft handles this request differently from the live version.
            </p>
          )}
        </div>
      )}
    </section>
  );
}

function TesterInput(p: { label: string; value: string; onChange: (v: string) => void; placeholder: string; error?: string; flex: number }) {
  const id = `route-tester-${p.label.toLowerCase()}`;
  return (
    <div className="field" style={{ flex: p.flex, minWidth: 140 }}>
      <input
        id={id}
        aria-label={p.label}
        aria-invalid={p.error ? true : undefined}
        aria-describedby={p.error ? `${id}-err` : undefined}
        value={p.value}
        placeholder={p.placeholder}
        onChange={(e) => p.onChange(e.target.value)}
        autoComplete="off"
        spellCheck={false}
      />
      {p.error && (
        <span id={`${id}-err`} className="field-error" role="alert">
          {p.error}
        </span>
      )}
    </div>
  );
}
