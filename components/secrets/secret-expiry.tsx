"use client";
// A secret's end date with its warning: amber within 30 days (SECRET_WARN_DAYS), red once expired. Shown in
// Settings → TLS secrets, on the Listeners page and in the listener form's secret select.
import type { SecretInfo } from "@/lib/contract/secrets";
import { StatusChip } from "@/components/ui/status-chip";
import { expiryDate, expiryNote } from "./secret-form-model";

export function SecretExpiry({ secret }: { secret: Pick<SecretInfo, "notAfter" | "status" | "daysLeft"> }) {
  const note = expiryNote(secret);
  return (
    <span className="small" title={new Date(secret.notAfter).toLocaleString()}>
      expires <span className="mono">{expiryDate(secret.notAfter)}</span>
      {note && (
        <>
          {" "}
          <StatusChip tone={secret.status === "expired" ? "red" : "amber"}>{note}</StatusChip>
        </>
      )}
    </span>
  );
}
