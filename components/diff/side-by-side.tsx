"use client";
// One resource before and after, in two aligned columns (JSON or YAML), changed lines highlighted.
import { useMemo } from "react";
import { align, render, type Format } from "./align";

export function SideBySide({ before, after, format, fromLabel, toLabel, label }: { before: unknown; after: unknown; format: Format; fromLabel: string; toLabel: string; label: string }) {
  const rows = useMemo(() => align(render(before, format), render(after, format)), [before, after, format]);
  return (
    <div className="sbs" role="table" aria-label={label}>
      <div className="sbs-row sbs-head" role="row">
        <div role="columnheader">Before · {fromLabel}</div>
        <div role="columnheader">After · {toLabel}</div>
      </div>
      {rows.map((r, i) => (
        <div key={i} className={`sbs-row ${r.kind}`} role="row">
          <div role="cell" className={r.left === null ? "pad" : r.kind === "same" ? "" : "del"}>
            {r.left ?? ""}
          </div>
          <div role="cell" className={r.right === null ? "pad" : r.kind === "same" ? "" : "add"}>
            {r.right ?? ""}
          </div>
        </div>
      ))}
    </div>
  );
}
