"use client";
// A listener's virtual hosts, each a small form of its own (name, domains) saved on its own, with the number
// of routes it holds; add one, rename one, change its domains, delete one (with its routes, after saying so).
// Each save is made on the draft revision the row stands on: a 409 shows who changed what, with reapply.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState, type FormEvent } from "react";
import { errorMessage, routeSaveError, type FieldError } from "@/components/queries/api-client";
import { useEditorRevision } from "@/components/queries/draft-revision";
import { rebaseForm } from "@/components/queries/rebase-form";
import { draftListenersQuery } from "@/components/queries/use-draft-listeners-query";
import { useDeleteVirtualHostMutation, useSaveVirtualHostMutation } from "@/components/queries/use-draft-listeners-mutations";
import type { DraftListenerItem, ListenerVirtualHost } from "@/lib/contract/listeners";
import type { DraftConflict } from "@/lib/contract/draft";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { ConflictNotice } from "@/components/ui/conflict-notice";
import { ErrorSummary } from "@/components/ui/error-summary";
import { Field } from "@/components/ui/field";
import { ErrorClaims, toErrorMap } from "@/components/ui/field-errors";
import { readOnlyReason } from "@/components/teams/owner-control";
import { emptyVhost, formToVhostBody, validateVhost, vhostToForm, type VhostFormState } from "./virtual-host-model";

const plural = (n: number, one: string, many = one + "s") => `${n} ${n === 1 ? one : many}`;

interface RowProps {
  listener: DraftListenerItem;
  /** absent: a new virtual host */
  vhost?: ListenerVirtualHost;
  onDone?: () => void;
}

function VirtualHostRow({ listener, vhost: openedWith, onDone }: RowProps) {
  const qc = useQueryClient();
  const save = useSaveVirtualHostMutation();
  const remove = useDeleteVirtualHostMutation();
  const [original, setOriginal] = useState<ListenerVirtualHost | undefined>(openedWith);
  const [opened, setOpened] = useState<VhostFormState>(() => (openedWith ? vhostToForm(openedWith) : { ...emptyVhost(), domains: listener.virtualHosts.length ? "" : "*" }));
  const [f, setF] = useState<VhostFormState>(opened);
  const [touched, setTouched] = useState(false);
  const [serverErrors, setServerErrors] = useState<FieldError[]>([]);
  const [failure, setFailure] = useState<string>();
  const [conflict, setConflict] = useState<DraftConflict | null>(null);
  const [reapplying, setReapplying] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const shown = useQuery(draftListenersQuery()).data;
  const latestOf = (items: DraftListenerItem[] | undefined, name: string | undefined) => items?.find((l) => l.name === listener.name)?.virtualHosts.find((v) => v.name === name);
  const [revision, setRevision] = useEditorRevision({
    shown,
    latest: original ? latestOf(shown?.data, original.name) : undefined,
    base: original,
    untouched: JSON.stringify(f) === JSON.stringify(opened),
    busy: save.isPending || reapplying || conflict !== null,
    rebase: (v) => {
      setOriginal(v);
      setOpened(vhostToForm(v));
      setF(vhostToForm(v));
    },
  });
  const chain = original?.filterChainIndex ?? listener.filterChains.find((c) => c.protocol !== "tcp")?.index ?? 0;
  const others = listener.virtualHosts.filter((v) => v.name !== original?.name);
  const localErrors = useMemo(() => (touched ? validateVhost(f, others, chain) : []), [touched, f, others, chain]);
  const claims = new ErrorClaims(toErrorMap([...localErrors, ...serverErrors]));
  const err = { name: claims.get("name"), domains: claims.get("domains", true) };
  const rest = claims.rest();
  const set = (p: Partial<VhostFormState>) => {
    setF((prev) => ({ ...prev, ...p }));
    setTouched(true);
    setServerErrors([]);
  };

  const store = (form: VhostFormState, base: ListenerVirtualHost | undefined, ifMatch: number | undefined) => {
    save.mutate(
      { listener: listener.name, originalName: base?.name, body: formToVhostBody(form), ifMatch },
      {
        onSuccess: ({ data, revision: next }) => {
          const saved = data.virtualHosts.find((v) => v.name === form.name.trim());
          setRevision(next ?? undefined);
          if (saved) {
            setOriginal(saved);
            setOpened(vhostToForm(saved));
            setF(vhostToForm(saved));
          }
          setTouched(false);
          onDone?.();
        },
        onError: (e) => {
          routeSaveError(e, { conflict: setConflict, fields: setServerErrors, banner: setFailure });
        },
      },
    );
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    e.stopPropagation();
    setTouched(true);
    setFailure(undefined);
    setConflict(null);
    if (validateVhost(f, others, chain).length) return;
    store(f, original, revision);
  };

  const reload = async (keepMine: boolean) => {
    setReapplying(true);
    setFailure(undefined);
    try {
      const fresh = await qc.fetchQuery({ ...draftListenersQuery(), staleTime: 0 });
      setRevision(fresh.revision ?? undefined);
      setConflict(null);
      const latest = original ? latestOf(fresh.data, original.name) : undefined;
      if (original && !latest) {
        setFailure(`The virtual host ${original.name} was renamed or deleted meanwhile, so there is nothing to apply your change to.`);
        return;
      }
      const latestForm = latest ? vhostToForm(latest) : emptyVhost();
      const next = keepMine ? rebaseForm(opened, f, latestForm) : latestForm;
      setOriginal(latest);
      setOpened(latestForm);
      setF(next);
      setServerErrors([]);
      if (keepMine && !validateVhost(next, others, chain).length) store(next, latest, fresh.revision ?? undefined);
    } catch (e) {
      setFailure(errorMessage(e));
    } finally {
      setReapplying(false);
    }
  };

  const label = original ? `Virtual host ${original.name}` : "New virtual host";
  // another team's virtual host: read-only here, as the API would refuse the change (lib/teams/)
  const locked = original?.editable === false ? readOnlyReason("virtual host", original.owner) : undefined;
  const dirty = JSON.stringify(f) !== JSON.stringify(opened);
  return (
    <form onSubmit={submit} noValidate aria-label={label} className="card stack" style={{ padding: 12, gap: 8 }} data-testid="vhost-row">
      {conflict && <ConflictNotice conflict={conflict} pending={save.isPending || reapplying} onReapply={() => reload(true)} onDiscard={() => reload(false)} />}
      <div className="row" style={{ alignItems: "flex-start" }}>
        <div style={{ flex: 1, minWidth: 0 }}>
          <Field label="Name" envoy="virtual_hosts[].name" error={err.name}>
            <input type="text" value={f.name} onChange={(e) => set({ name: e.target.value })} placeholder="api" autoComplete="off" className="mono" />
          </Field>
        </div>
        <div style={{ flex: 2, minWidth: 0 }}>
          <Field label="Domains" envoy="virtual_hosts[].domains" error={err.domains} hint='Host headers it takes, separated by commas: "api.example.com, *.example.com"; "*" takes every host.'>
            <input type="text" value={f.domains} onChange={(e) => set({ domains: e.target.value })} placeholder="*" autoComplete="off" className="mono" />
          </Field>
        </div>
      </div>
      <ErrorSummary errors={rest} title="The server refused the virtual host" />
      {failure && (
        <div className="alert" role="alert">
          {failure}
        </div>
      )}
      <div className="row" style={{ gap: 8 }}>
        <span className="muted small">{original ? `${plural(original.routes, "route")}${listener.filterChains.length > 1 ? ` · filter chain ${original.filterChainIndex}` : ""}` : "Routes are added on the Routes page."}</span>
        {original?.owner && <span className="badge" title={locked}>team {original.owner}</span>}
        <span className="spacer" />
        {original && (
          <button type="button" className="btn small danger" onClick={() => setDeleting(true)} aria-label={`Delete virtual host ${original.name}`} disabled={!!locked} title={locked}>
            Delete
          </button>
        )}
        {!original && onDone && (
          <button type="button" className="btn small" onClick={onDone}>
            Cancel
          </button>
        )}
        <button type="submit" className="btn small primary" disabled={save.isPending || (original !== undefined && !dirty) || !!locked} title={locked}>
          {save.isPending ? "Saving…" : original ? "Save virtual host" : "Add virtual host"}
        </button>
      </div>
      {deleting && original && (
        <ConfirmDialog
          title="Delete virtual host?"
          confirmLabel="Delete virtual host"
          danger
          pending={remove.isPending}
          onClose={() => setDeleting(false)}
          onConfirm={() => remove.mutate({ listener: listener.name, name: original.name }, { onSuccess: () => setDeleting(false) })}
        >
          <p style={{ margin: 0 }}>
            The virtual host <code>{original.name}</code> is removed from listener <code>{listener.name}</code>
            {original.routes > 0 ? (
              <>
                , <strong>with its {plural(original.routes, "route")}</strong>. Requests for its domains get 404 once you publish.
              </>
            ) : (
              "."
            )}
          </p>
          {remove.isError && (
            <div className="alert" role="alert">
              {errorMessage(remove.error)}
            </div>
          )}
        </ConfirmDialog>
      )}
    </form>
  );
}

/** The virtual hosts of `listener` (as the listener list shows it now), each editable, and one to add. */
export function VirtualHostsEditor({ listener }: { listener: DraftListenerItem }) {
  const [adding, setAdding] = useState(false);
  if (listener.filterChains.every((c) => c.protocol === "tcp")) {
    return <p className="muted">A TCP listener forwards connections to its cluster as they are: it has no virtual hosts.</p>;
  }
  return (
    <section className="stack" aria-label="Virtual hosts" style={{ gap: 8 }}>
      <h3 style={{ margin: 0 }}>Virtual hosts</h3>
      <p className="field-hint" style={{ margin: 0 }}>
        A request goes to the virtual host whose domains match its Host header (exact, then wildcard, then <code>*</code>), then to the first of its routes that matches.
      </p>
      {listener.virtualHosts.length === 0 && !adding && <p className="muted" style={{ margin: 0 }}>No virtual hosts yet: until one is added, the listener answers every request with 404.</p>}
      {listener.virtualHosts.map((v) => (
        <VirtualHostRow key={`${v.filterChainIndex}/${v.name}`} listener={listener} vhost={v} />
      ))}
      {adding ? (
        <VirtualHostRow listener={listener} onDone={() => setAdding(false)} />
      ) : (
        <div>
          <button type="button" className="btn small" onClick={() => setAdding(true)}>
            + Add virtual host
          </button>
        </div>
      )}
    </section>
  );
}
