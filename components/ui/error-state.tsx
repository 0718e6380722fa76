"use client";
import { errorMessage } from "@/components/queries/api-client";

/** What failed and a retry; never a stack trace. */
export function ErrorState({ what, error, onRetry }: { what: string; error: unknown; onRetry?: () => void }) {
  return (
    <div className="alert" role="alert">
      <div>
        <strong>Could not load {what}.</strong> <span className="muted">{errorMessage(error)}</span>
      </div>
      <span className="spacer" />
      {onRetry && (
        <button type="button" className="btn small" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}
