"use client";
// Console settings: how long telemetry is kept, the Zipkin collector every span is forwarded to, and backups.
import Link from "next/link";
import { useState } from "react";
import { useIsAdmin } from "@/components/queries/use-session";
import { useSettingsQuery } from "@/components/queries/use-settings-query";
import { ErrorState } from "@/components/ui/error-state";
import { Skeleton } from "@/components/ui/skeleton";
import { BackupSection } from "./backup-section";
import { SettingsFormView } from "./settings-form";

export function SettingsPage() {
  const [restores, setRestores] = useState(0);
  const settings = useSettingsQuery();
  // settings, backups and restores are an admin's (the API refuses anyone else)
  const isAdmin = useIsAdmin();
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Settings</h1>
          <p>Telemetry retention and trace export. Changes apply when you save; they are not part of the proxy config and need no publish.</p>
          <p>
            <Link href="/settings/users">Users</Link>: accounts and their roles (admin). <Link href="/settings/sessions">Sessions</Link>: where
            you are signed in, and two-factor sign-in. <Link href="/settings/sso">Single sign-on</Link>: an OpenID Connect provider (admin).
          </p>
          <p>
            <Link href="/settings/tokens">API tokens</Link>: named credentials for API clients and workers.{" "}
            <Link href="/settings/teams">Teams</Link>: who owns which virtual hosts, routes and clusters (admin).{" "}
            <Link href="/settings/secrets">TLS secrets</Link>: certificates and keys that listeners name, with their expiry.
          </p>
        </div>
      </div>
      {settings.isPending ? (
        <div className="card stack" role="status" aria-label="Loading settings">
          <Skeleton width="30%" />
          <Skeleton />
          <Skeleton width="60%" />
        </div>
      ) : settings.isError ? (
        <ErrorState what="settings" error={settings.error} onRetry={() => settings.refetch()} />
      ) : (
        // a restore replaces the settings under the form: start it over then (not after its own save, whose
        // "Saved" the user must see)
        <SettingsFormView key={restores} saved={settings.data} readOnly={!isAdmin} />
      )}
      {isAdmin ? (
        <BackupSection onRestored={() => setRestores((n) => n + 1)} />
      ) : (
        <p className="card muted" role="note">
          Only an admin changes these settings, downloads backups and restores them.
        </p>
      )}
    </>
  );
}
