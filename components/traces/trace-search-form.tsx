"use client";
// The trace search: every field optional, Enter searches, invalid fields are named next to themselves.
import { useState, type FormEvent } from "react";
import { Field } from "@/components/ui/field";
import { parseSearchForm, searchToForm, TRACE_WINDOWS, type TraceSearch } from "./trace-search";

const WINDOW_LABELS: Record<keyof typeof TRACE_WINDOWS, string> = { "5m": "last 5 min", "15m": "last 15 min", "1h": "last hour", "24h": "last 24 h" };

export function TraceSearchForm({ initial, onSearch }: { initial: TraceSearch; onSearch: (s: TraceSearch) => void }) {
  const [form, setForm] = useState(() => searchToForm(initial));
  const [touched, setTouched] = useState(false);
  const { search, errors } = parseSearchForm(form);
  const shown = touched ? errors : {};
  const set = (k: keyof TraceSearch, v: string) => setForm((f) => ({ ...f, [k]: v }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (Object.keys(errors).length === 0) onSearch(search);
  };
  return (
    <form className="filters" role="search" aria-label="Search traces" onSubmit={submit} noValidate>
      <Field label="Route" hint="route name">
        <input type="text" value={form.route} onChange={(e) => set("route", e.target.value)} autoComplete="off" />
      </Field>
      <Field label="Cluster">
        <input type="text" value={form.cluster} onChange={(e) => set("cluster", e.target.value)} autoComplete="off" />
      </Field>
      <Field label="Path contains">
        <input type="text" value={form.path} onChange={(e) => set("path", e.target.value)} placeholder="/api/orders" autoComplete="off" className="mono" />
      </Field>
      <Field label="Status" error={shown.status} className="f-narrow">
        <input type="text" value={form.status} onChange={(e) => set("status", e.target.value)} placeholder="5xx or 503" autoComplete="off" />
      </Field>
      <Field label="Min duration (ms)" error={shown.minDurationMs} className="f-narrow">
        <input type="text" inputMode="decimal" value={form.minDurationMs} onChange={(e) => set("minDurationMs", e.target.value)} placeholder="0" autoComplete="off" />
      </Field>
      <Field label="Time window" className="f-narrow">
        <select value={form.window} onChange={(e) => set("window", e.target.value)}>
          <option value="">any time</option>
          {(Object.keys(TRACE_WINDOWS) as (keyof typeof TRACE_WINDOWS)[]).map((w) => (
            <option key={w} value={w}>
              {WINDOW_LABELS[w]}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Trace id" error={shown.traceId}>
        <input type="text" value={form.traceId} onChange={(e) => set("traceId", e.target.value)} placeholder="32 hex digits" autoComplete="off" className="mono" />
      </Field>
      <div className="filters-submit">
        <button type="submit" className="btn primary">
          Search
        </button>
      </div>
    </form>
  );
}
