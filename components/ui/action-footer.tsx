"use client";
import type { ReactNode } from "react";

/**
 * The footer of a panel that performs one action: Cancel beside the action button, and once the action is
 * done (`done`), only Close.
 */
export function ActionFooter({ done = false, onClose, children }: { done?: boolean; onClose: () => void; children: ReactNode }) {
  if (done) {
    return (
      <button type="button" className="btn" onClick={onClose}>
        Close
      </button>
    );
  }
  return (
    <>
      <button type="button" className="btn" onClick={onClose}>
        Cancel
      </button>
      {children}
    </>
  );
}
