// A resource name that may be long (Envoy allows any length): one line, cut with an ellipsis at `max`
// characters' width (or at the width its container leaves, whichever is less), the whole name as its tooltip.
// Tables keep their columns whatever the names (app/globals.css `.truncate`).
import type { CSSProperties } from "react";

export function Truncate({ children, max, mono = false, className }: { children: string; max?: number; mono?: boolean; className?: string }) {
  const style = max ? ({ "--truncate-max": `${max}ch` } as CSSProperties) : undefined;
  return (
    <span className={["truncate", mono ? "mono" : "", className ?? ""].join(" ").trim()} title={children} style={style}>
      {children}
    </span>
  );
}
