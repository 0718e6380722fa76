"use client";
// Settings → Sessions: the browsers signed in to my account; revoking one signs it out at once (revoking this
// browser's own session signs me out).
import Link from "next/link";
import { useState } from "react";
import { errorMessage } from "@/components/queries/api-client";
import { useMySessionsQuery, useRevokeMySession } from "@/components/queries/use-accounts";
import type { SessionInfo } from "@/lib/contract/accounts";
import { SessionsTable } from "./sessions-table";
import { TwoFactorSection } from "./two-factor-section";

export function SessionsPage() {
  const sessions = useMySessionsQuery();
  const revoke = useRevokeMySession();
  const [error, setError] = useState<string | null>(null);
  const onRevoke = (s: SessionInfo) => {
    setError(null);
    revoke.mutate(s.id, {
      onSuccess: () => {
        if (s.current) window.location.replace("/login");
      },
      onError: (e) => setError(errorMessage(e)),
    });
  };
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Sessions</h1>
          <p>
            <Link href="/settings">Settings</Link> · Where your account is signed in. A session lasts 7 days and is extended while you use it; revoking
            one signs that browser out at once.
          </p>
        </div>
      </div>
      {error && (
        <div className="alert" role="alert">
          {error}
        </div>
      )}
      <SessionsTable label="My sessions" rows={sessions.data} query={sessions} onRevoke={onRevoke} pending={revoke.isPending} />
      <TwoFactorSection />
    </>
  );
}
