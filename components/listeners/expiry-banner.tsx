"use client";
// Above the Listeners table: the certificates listeners name that expire within the warning window or have
// expired, each with the listeners using it, and where to rotate them (Settings → TLS secrets).
import Link from "next/link";
import type { DraftListenerItem } from "@/lib/contract/listeners";
import type { SecretInfo } from "@/lib/contract/secrets";
import { expiryDate, expiryNote } from "@/components/secrets/secret-form-model";

export function ExpiryBanner({ listeners, secrets, warnDays }: { listeners: DraftListenerItem[]; secrets: ReadonlyMap<string, SecretInfo> | undefined; warnDays: number }) {
  if (!secrets) return null;
  const users = new Map<string, string[]>();
  for (const l of listeners)
    for (const name of new Set(l.filterChains.flatMap((c) => c.secrets))) {
      const s = secrets.get(name);
      if (s && s.status !== "ok") users.set(name, [...(users.get(name) ?? []), l.name]);
    }
  if (users.size === 0) return null;
  const expired = [...users.keys()].some((n) => secrets.get(n)?.status === "expired");
  return (
    <div className={`alert${expired ? "" : " warn"}`} role="alert" style={{ marginBottom: 12, display: "block" }} data-testid="expiry-banner">
      <strong>{expired ? "A listener's certificate has expired" : `A listener's certificate expires within ${warnDays} days`}</strong>
      <ul style={{ margin: "4px 0 0", paddingLeft: 18 }}>
        {[...users].map(([name, ls]) => {
          const s = secrets.get(name)!;
          return (
            <li key={name}>
              <code>{name}</code> ({s.subject}) {expiryNote(s)}, on {expiryDate(s.notAfter)}: used by {ls.join(", ")}
            </li>
          );
        })}
      </ul>
      <span className="small">
        Upload a renewed certificate with Rotate in <Link href="/settings/secrets">Settings → TLS secrets</Link>: workers switch to it without a publish.
      </span>
    </div>
  );
}
