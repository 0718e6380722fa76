"use client";
import { useState } from "react";
import { useBundledWorkerQuery } from "@/components/queries/use-bundled-worker-query";
import { useDraftStatusQuery } from "@/components/queries/use-draft-status-query";
import { Skeleton } from "@/components/ui/skeleton";
import { GuardAlert } from "@/components/overview/guard-alert";
import { DiscardDraftButton } from "./discard-draft";
import { LiveStatus } from "./live-status";
import { PublishDrawer } from "./publish-drawer";
import { EnvironmentSwitcher } from "./environment-switcher";
import { UserMenu } from "./user-menu";
import { useCanEdit } from "@/components/queries/use-session";

export function HeaderBar() {
  const status = useDraftStatusQuery();
  const worker = useBundledWorkerQuery();
  const [open, setOpen] = useState(false);
  // a viewer reads: no publish, no discard (the API would refuse them with 403 anyway)
  const canEdit = useCanEdit() !== false;
  // changed route tests count as one change: they are published like any other
  const changes = (status.data?.changes.length ?? 0) + (status.data?.routeTestsChanged ? 1 : 0);
  return (
    <header className="topbar">
      <EnvironmentSwitcher />
      {status.data ? (
        <LiveStatus status={status.data} worker={worker.data} />
      ) : status.isError ? (
        <span className="chip red" role="alert">
          status unavailable
        </span>
      ) : (
        <Skeleton width={220} />
      )}
      <GuardAlert compact />
      <span className="spacer" />
      {status.data && (
        <span className="hdr-draft" data-testid="draft-state">
          {changes === 0 ? <span className="muted">Draft: no changes</span> : <strong>Draft: {changes} {changes === 1 ? "change" : "changes"}</strong>}
        </span>
      )}
      {status.data && canEdit && <DiscardDraftButton status={status.data} />}
      {canEdit ? (
        <button type="button" className="btn primary" onClick={() => setOpen(true)} disabled={!status.data}>
          Review &amp; publish
        </button>
      ) : (
        <span className="chip plain" title="Your role is viewer: you can read everything, an editor or admin makes changes">
          read-only
        </span>
      )}
      {open && status.data && <PublishDrawer status={status.data} onClose={() => setOpen(false)} />}
      <UserMenu />
    </header>
  );
}
