import type { ReactNode } from "react";

export type Tone = "green" | "amber" | "red" | "grey";

/** The one status palette: green healthy/applied, amber pending, red rejected, grey unknown. */
export function StatusChip({ tone, children, title }: { tone: Tone; children: ReactNode; title?: string }) {
  return (
    <span className={`chip ${tone}`} title={title}>
      {children}
    </span>
  );
}
