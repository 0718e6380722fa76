"use client";
// Side panel (drawer) and centred dialog: labelled, modal, close on Escape or a click outside; focus moves
// inside on open, Tab cycles inside, and it goes back to what had it on close (focus-trap.ts). Of stacked
// layers (a confirmation over a drawer) only the innermost answers Escape.
import { useCallback, useId, useRef, type ReactNode } from "react";
import { useEscape } from "./use-escape";
import { useFocusTrap } from "./focus-trap";

interface PanelProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  variant?: "drawer" | "drawer-wide" | "dialog";
  /** extra content in the header, right of the title */
  headerExtra?: ReactNode;
}

export function Panel({ title, onClose, children, footer, variant = "drawer", headerExtra }: PanelProps) {
  const id = useId();
  const ref = useRef<HTMLDivElement>(null);
  const innermost = useFocusTrap(ref);
  useEscape(
    true,
    useCallback(() => {
      if (innermost()) onClose();
    }, [innermost, onClose]),
  );
  const cls = variant === "dialog" ? "dialog" : variant === "drawer-wide" ? "drawer wide" : "drawer";
  return (
    <>
      <div className="overlay" onClick={onClose} aria-hidden="true" />
      <div ref={ref} className={cls} role="dialog" aria-modal="true" aria-labelledby={id} tabIndex={-1}>
        <div className="panel-head">
          <h2 id={id}>{title}</h2>
          {headerExtra}
          <span className="spacer" />
          <button type="button" className="btn small" data-close onClick={onClose} aria-label="Close">
            ✕
          </button>
        </div>
        <div className="panel-body">{children}</div>
        {footer && <div className="panel-foot">{footer}</div>}
      </div>
    </>
  );
}
