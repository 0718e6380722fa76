"use client";
// One readable change: what happened to which resource, the fields in words, and on demand the resource
// before and after, side by side (fetched then: ChangeSides).
import { useState } from "react";
import type { ReadableChangeSummary } from "@/lib/contract/diff";
import type { Format } from "./align";
import { ChangeSides, type DiffOf } from "./change-sides";

const TONE: Record<ReadableChangeSummary["change"], string> = { added: "green", removed: "red", changed: "amber", moved: "grey" };
export const KIND_LABEL: Record<ReadableChangeSummary["kind"], string> = {
  listener: "listener",
  virtual_host: "virtual host",
  route: "route",
  cluster: "cluster",
  endpoint: "endpoint",
  circuit_breaker: "circuit breakers",
};

export function ChangeRow({ change: c, format, of }: { change: ReadableChangeSummary; format: Format; of: DiffOf }) {
  const [open, setOpen] = useState(false);
  return (
    <li className="rd-change" data-testid="diff-change" data-kind={c.kind} data-change={c.change}>
      <div className="row wrap">
        <span className={`chip plain ${TONE[c.change]}`}>{c.change}</span>
        <span className="badge">{KIND_LABEL[c.kind]}</span>
        <span className="rd-label">{c.label}</span>
        {c.change === "moved" && c.position && (
          <span className="muted small">
            from {c.position.before} to {c.position.after}
          </span>
        )}
        <span className="spacer" />
        <button type="button" className="btn link small" aria-expanded={open} aria-label={`${open ? "Hide" : "Show"} before and after of ${c.label}`} onClick={() => setOpen(!open)}>
          {open ? "Hide" : "Before / after"}
        </button>
      </div>
      {c.fields.length > 0 && (
        <ul className="rd-fields">
          {c.fields.map((f, i) => (
            <li key={i}>{f.text}</li>
          ))}
        </ul>
      )}
      {open && <ChangeSides change={c} of={of} format={format} />}
    </li>
  );
}
