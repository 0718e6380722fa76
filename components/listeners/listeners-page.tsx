"use client";
// The Listeners page: every draft listener (address, protocol, certificates, virtual hosts), and a side panel
// to add or edit one and its virtual hosts. Changes go to the draft, and live when published. A banner warns
// when a certificate a listener names expires within 30 days (SECRET_WARN_DAYS) or has expired.
import { useReadOnly, useReadOnlyReason } from "@/components/queries/use-session";
import { useMemo, useState } from "react";
import { useDraftClustersQuery } from "@/components/queries/use-draft-clusters-query";
import { useDraftListenersQuery } from "@/components/queries/use-draft-listeners-query";
import { useSecretsQuery } from "@/components/queries/use-secrets";
import { SECRET_WARN_DAYS } from "@/lib/contract/secrets";
import { ExpiryBanner } from "./expiry-banner";
import type { DraftListenerItem } from "@/lib/contract/listeners";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { Panel } from "@/components/ui/panel";
import { TableSkeleton } from "@/components/ui/skeleton";
import { DeleteListenerDialog } from "./delete-listener-dialog";
import { ListenerForm } from "./listener-form";
import { ListenerTable } from "./listener-table";
import { VirtualHostsEditor } from "./virtual-hosts-editor";

/** The panel: a new listener, or one being edited (its name follows a rename; `saved` until the list has it). */
type Editing = { name: string | null; saved?: DraftListenerItem };

/** Everything a listener row shows, for the text filter. */
const searchText = (l: DraftListenerItem) =>
  [l.name, `${l.address}:${l.port}`, l.protocol, l.cluster ?? "", ...l.virtualHosts.flatMap((v) => [v.name, ...v.domains]), ...l.filterChains.flatMap((c) => [...c.serverNames, ...c.secrets, ...c.certificates.map((x) => x.certificateChain ?? "")])]
    .join(" ")
    .toLowerCase();

export function ListenersPage() {
  const listeners = useDraftListenersQuery();
  const clusters = useDraftClustersQuery();
  const secrets = useSecretsQuery();
  const secretsByName = useMemo(() => (secrets.data ? new Map(secrets.data.map((s) => [s.name, s])) : undefined), [secrets.data]);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [deleting, setDeleting] = useState<DraftListenerItem | null>(null);
  const [filter, setFilter] = useState("");
  const rows = listeners.data ?? [];
  const words = filter.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const visible = words.length ? rows.filter((l) => words.every((w) => searchText(l).includes(w))) : rows;
  const current = editing?.name ? (rows.find((l) => l.name === editing.name) ?? editing.saved) : undefined;
  const close = () => setEditing(null);
  // a viewer reads only (the API refuses their writes with 403)
  const readOnly = useReadOnly();
  const lockedReason = useReadOnlyReason();
  const addButton = (
    <button type="button" className="btn primary" onClick={() => setEditing({ name: null })} disabled={readOnly} title={lockedReason}>
      Add listener
    </button>
  );

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Listeners</h1>
          <p>Addresses and ports the proxy accepts connections on, with their TLS certificates and virtual hosts. Changes go live when you publish.</p>
        </div>
        <span className="spacer" />
        {addButton}
      </div>
      {listeners.isPending ? (
        <TableSkeleton label="Loading listeners" />
      ) : listeners.isError ? (
        <ErrorState what="listeners" error={listeners.error} onRetry={() => listeners.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState title="No listeners yet" action={addButton}>
          A listener is an address and port the proxy accepts connections on, as HTTP, HTTPS (with your certificate) or plain TCP. Its virtual hosts pick the routes
          for each request by its Host header. Add one, then give it a virtual host and routes.
        </EmptyState>
      ) : (
        <>
          <ExpiryBanner listeners={rows} secrets={secretsByName} warnDays={SECRET_WARN_DAYS} />
          <div className="row" style={{ marginBottom: 12, maxWidth: 360 }}>
            <input type="search" aria-label="Filter listeners" placeholder="Filter listeners…" value={filter} onChange={(e) => setFilter(e.target.value)} />
          </div>
          {visible.length ? (
            <ListenerTable rows={visible} secrets={secretsByName} onEdit={(name) => setEditing({ name })} onDelete={setDeleting} readOnly={readOnly} />
          ) : (
            <p className="muted">No listener matches “{filter}”.</p>
          )}
        </>
      )}
      {editing && (
        <Panel
          variant="drawer-wide"
          title={current ? `Edit listener ${current.name}` : "New listener"}
          onClose={close}
          footer={
            <>
              <button type="button" className="btn" onClick={close}>
                {current ? "Close" : "Cancel"}
              </button>
              <button type="submit" form="listener-form" className="btn primary">
                {current ? "Save listener" : "Create listener"}
              </button>
            </>
          }
        >
          <div className="stack">
            <ListenerForm
              id="listener-form"
              original={current}
              taken={rows.map((l) => l.name)}
              clusters={(clusters.data ?? []).map((c) => c.name)}
              onSaved={(item) => setEditing({ name: item.name, saved: item })}
            />
            {current ? (
              <VirtualHostsEditor listener={current} />
            ) : (
              <p className="muted small">Once the listener is created, add its virtual hosts here.</p>
            )}
          </div>
        </Panel>
      )}
      {deleting && <DeleteListenerDialog listener={deleting} last={rows.length === 1} onClose={() => setDeleting(null)} />}
    </>
  );
}
