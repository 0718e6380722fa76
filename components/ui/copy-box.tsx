"use client";
// A value to copy once (a token's secret, the command that enrolls a worker): read-only, selected on focus, with a
// Copy button. Where the clipboard API is refused (a plain-HTTP console on another host), the text is selected.
import { useRef, useState } from "react";

export function CopyBox({ label, value, rows = 2 }: { label: string; value: string; rows?: number }) {
  const ref = useRef<HTMLTextAreaElement>(null);
  const [copied, setCopied] = useState<"yes" | "select" | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied("yes");
    } catch {
      ref.current?.select();
      setCopied("select");
    }
  };
  return (
    <div className="stack" style={{ gap: 6 }}>
      <textarea ref={ref} className="mono" aria-label={label} readOnly rows={rows} value={value} onFocus={(e) => e.currentTarget.select()} style={{ resize: "none", wordBreak: "break-all" }} />
      <div className="row">
        <button type="button" className="btn small" onClick={() => void copy()}>
          Copy
        </button>
        {copied && (
          <span className="small muted" role="status">
            {copied === "yes" ? "Copied" : "Selected: press Ctrl+C (the browser refused the clipboard)"}
          </span>
        )}
      </div>
    </div>
  );
}
