import type { ReactNode } from "react";

/** The expanded row under a table row: preformatted detail across all `colSpan` columns (red for errors). */
export function DetailRow({ colSpan, error = false, children }: { colSpan: number; error?: boolean; children: ReactNode }) {
  return (
    <tr>
      <td colSpan={colSpan}>
        <pre className="diff" style={{ padding: 10, whiteSpace: "pre-wrap", ...(error ? { color: "var(--red)" } : {}) }}>
          {children}
        </pre>
      </td>
    </tr>
  );
}
