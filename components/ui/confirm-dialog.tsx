"use client";
import type { ReactNode } from "react";
import { Panel } from "./panel";
import { ActionFooter } from "./action-footer";

/** A yes/no question before a destructive action; Escape or Cancel says no. */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  danger = false,
  pending = false,
  onConfirm,
  onClose,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  pending?: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <Panel
      variant="dialog"
      title={title}
      onClose={onClose}
      footer={
        <ActionFooter onClose={onClose}>
          <button type="button" className={`btn ${danger ? "danger solid" : "primary"}`} disabled={pending} onClick={onConfirm}>
            {pending ? "Working…" : confirmLabel}
          </button>
        </ActionFooter>
      }
    >
      {children}
    </Panel>
  );
}
