"use client";
// A labelled form field: human label, Envoy's field name in small print, hint, and the error
// next to the field (aria-invalid + aria-describedby so screen readers and tests see it).
import { cloneElement, isValidElement, useId, type ReactElement, type ReactNode } from "react";

interface FieldProps {
  label: ReactNode;
  envoy?: string;
  hint?: ReactNode;
  error?: string;
  className?: string;
  children: ReactElement<Record<string, unknown>>;
}

export function Field({ label, envoy, hint, error, className, children }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errId = `${id}-err`;
  const describedBy = [hint ? hintId : null, error ? errId : null].filter(Boolean).join(" ") || undefined;
  const control = isValidElement(children)
    ? cloneElement(children, { id, "aria-invalid": error ? true : undefined, "aria-describedby": describedBy })
    : children;
  return (
    <div className={`field ${className ?? ""}`}>
      <div className="field-label">
        <label htmlFor={id}>{label}</label>
        {envoy && (
          <span className="envoy-name" aria-hidden="true">
            {envoy}
          </span>
        )}
      </div>
      {control}
      {hint && (
        <span id={hintId} className="field-hint">
          {hint}
        </span>
      )}
      {error && (
        <span id={errId} className="field-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
