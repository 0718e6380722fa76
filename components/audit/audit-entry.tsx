"use client";
// What the Audit page shows of an entry beyond its row (audit-columns.tsx): what it changed resource by resource,
// a link to its version's diff, and the details as recorded; plus the action's label and the action filter's
// choices. The words themselves are the server's (lib/audit/describe.ts).
import Link from "next/link";
import type { MouseEvent } from "react";
import type { AuditChange, AuditEntry } from "@/components/queries/use-audit-query";
import { ENVIRONMENT_COOKIE } from "@/lib/contract/environments";

/** The kinds of action the filter offers: `value` is an action or the start of several (`draft` → `draft.*`). */
export const AUDIT_ACTIONS: { value: string; label: string }[] = [
  { value: "draft", label: "Draft edits" },
  { value: "version.publish", label: "Publishes" },
  { value: "version.rollback", label: "Rollbacks" },
  { value: "environment", label: "Environments and promotions" },
  { value: "version.promote", label: "Canary promotions" },
  { value: "version.canary", label: "Canary aborts" },
  { value: "guard", label: "Publish guard" },
  { value: "settings", label: "Settings" },
  { value: "backup", label: "Restores" },
];

/** "version.publish" → "Publish", "draft.route.update" → "Route update" (the raw action is its title). */
export function auditActionLabel(action: string): string {
  const parts = action.split(".").filter((p) => p !== "draft" && p !== "version");
  const text = (parts.length ? parts : [action]).join(" ").replace(/_/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const TONE: Record<AuditChange["change"], string> = { added: "green", removed: "red", changed: "amber", moved: "" };

function ChangeList({ entry }: { entry: AuditEntry }) {
  const { changes, moreChanges } = entry;
  if (changes.length === 0 && moreChanges === null && entry.version)
    return <p className="small muted">Its changes are still being worked out: open the diff, or look again in a moment.</p>;
  if (changes.length === 0) return <p className="small muted">No resource changed.</p>;
  return (
    <ul className="audit-changes" aria-label="Changes">
      {changes.map((c, i) => (
        <li key={`${c.kind}-${c.name}-${i}`}>
          <span className={`chip plain ${TONE[c.change]}`}>{c.change}</span> <span>{c.text}</span>
        </li>
      ))}
      {!!moreChanges && <li className="muted">and {moreChanges} more</li>}
    </ul>
  );
}

/** The version's diff against the one before it; a version of another environment switches to it first. */
function DiffLink({ version, current }: { version: NonNullable<AuditEntry["version"]>; current: string | null }) {
  const href = `/versions?diff=${encodeURIComponent(version.id)}`;
  const elsewhere = current !== null && version.environment !== current;
  const open = (e: MouseEvent) => {
    if (!elsewhere) return;
    e.preventDefault();
    document.cookie = `${ENVIRONMENT_COOKIE}=${encodeURIComponent(version.environment)}; path=/; max-age=31536000; samesite=lax`;
    // a full load: every view reads the environment from the cookie when it starts
    window.location.assign(new URL(href, window.location.origin).href);
  };
  return (
    <Link href={href} onClick={open} className="small">
      Open the diff of v{version.number}
      {elsewhere ? ` (switches to ${version.environment})` : ""}
    </Link>
  );
}

export function AuditEntryDetail({ entry, currentEnvironment }: { entry: AuditEntry; currentEnvironment: string | null }) {
  return (
    <div className="audit-detail">
      <ChangeList entry={entry} />
      {entry.version && <DiffLink version={entry.version} current={currentEnvironment} />}
      <details>
        <summary className="small muted">Recorded details</summary>
        <pre className="diff">{JSON.stringify(entry.details, null, 2)}</pre>
      </details>
    </div>
  );
}
