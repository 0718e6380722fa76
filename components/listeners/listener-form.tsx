"use client";
// Create or edit a listener: name, address and port, protocol, stat prefix, and for HTTPS its certificates (TLS
// secrets, with an upload dialog, or files) and SNI names (for TCP the cluster it forwards to). Checked as you type (once typing pauses, and when a
// field is left) with the schemas the server uses (listener-form-model.ts); the server's 422 paths land next
// to the same fields. Saved on the draft revision the form stands on; when someone changed the draft since,
// the server refuses (409) and the form offers to reapply the change on top of the latest draft.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState, type FormEvent, type SyntheticEvent } from "react";
import { errorMessage, routeSaveError, type FieldError } from "@/components/queries/api-client";
import { useEditorRevision } from "@/components/queries/draft-revision";
import { rebaseForm } from "@/components/queries/rebase-form";
import { draftListenersQuery } from "@/components/queries/use-draft-listeners-query";
import { useSaveListenerMutation } from "@/components/queries/use-draft-listeners-mutations";
import { ListenerBody, type DraftListenerItem } from "@/lib/contract/listeners";
import type { DraftConflict } from "@/lib/contract/draft";
import { ConflictNotice } from "@/components/ui/conflict-notice";
import { ErrorSummary } from "@/components/ui/error-summary";
import { UnplacedErrors } from "@/components/ui/unplaced-errors";
import { Field } from "@/components/ui/field";
import { ErrorClaims, toErrorMap } from "@/components/ui/field-errors";
import { useDebounced } from "@/components/ui/use-debounced";
import { SecretDialog } from "@/components/secrets/secret-dialog";
import { CertificatesEditor } from "./certificates-editor";
import { emptyListener, formToBody, listenerToForm, validateListener, type ListenerFormState } from "./listener-form-model";

type Obj = Record<string, unknown>;
const OWN_PATHS = ["name", "address", "port", "protocol", "statPrefix", "certificates", "secrets", "serverNames", "cluster"];
/** the order in which form states were made by edits: a check made at once must not be replaced by an older, debounced one */
const madeAt = new WeakMap<object, number>();
let edits = 0;
const newer = (a: object, b: object) => (madeAt.get(a) ?? 0) > (madeAt.get(b) ?? 0);

const isUnder = (path: string, field: string) => path === field || path.startsWith(field + ".") || path.startsWith(field + "[");

interface Props {
  id: string;
  original?: DraftListenerItem;
  /** the other listeners' names, to refuse a duplicate before the server does */
  taken: string[];
  /** the draft's clusters, for a TCP listener */
  clusters: string[];
  onSaved: (item: DraftListenerItem) => void;
}

/** Certificate rows carry a key for React only: equal forms may differ in keys. */
const sameIgnoringKeys = (a: unknown, b: unknown) => JSON.stringify(a, (k, v) => (k === "key" ? undefined : v)) === JSON.stringify(b, (k, v) => (k === "key" ? undefined : v));
const primaryVhosts = (item: DraftListenerItem | undefined) => item?.virtualHosts.filter((v) => v.filterChainIndex === 0).length ?? 0;

export function ListenerForm({ id, original: openedWith, taken, clusters, onSaved }: Props) {
  const qc = useQueryClient();
  const save = useSaveListenerMutation();
  // the listener and draft revision the form stands on: what it opened with, then what it saved or reloaded
  const [original, setOriginal] = useState<DraftListenerItem | undefined>(openedWith);
  const [opened, setOpened] = useState<ListenerFormState>(() => (openedWith ? listenerToForm(openedWith) : emptyListener()));
  const [f, setF] = useState<ListenerFormState>(opened);
  const [conflict, setConflict] = useState<DraftConflict | null>(null);
  const [reapplying, setReapplying] = useState(false);
  const shown = useQuery(draftListenersQuery()).data;
  const [revision, setRevision] = useEditorRevision({
    shown,
    // the listener's own JSON: a virtual host or route edited elsewhere does not move it
    latest: original ? shown?.data.find((l) => l.name === original.name)?.listener : undefined,
    base: original?.listener,
    untouched: sameIgnoringKeys(f, opened),
    busy: save.isPending || reapplying || conflict !== null,
    rebase: () => {
      const item = shown?.data.find((l) => l.name === original?.name);
      if (!item) return;
      const form = listenerToForm(item);
      setOriginal(item);
      setOpened(form);
      setF(form);
    },
  });
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [checkNow, setCheckNow] = useState<ListenerFormState | null>(null);
  const [serverErrors, setServerErrors] = useState<FieldError[]>([]);
  const [failure, setFailure] = useState<string>();
  // the secret row an upload fills in; null: no upload dialog (it sits outside the <form>, so its own form's
  // submit and change events are not this form's)
  const [uploadFor, setUploadFor] = useState<number | null>(null);
  // the form and the errors on screen as of the last render, for changes made from callbacks created earlier
  // (the upload dialog's): patch() reads them when it runs
  const latest = useRef({ f, shown: [] as FieldError[] });
  const patch = (p: Partial<ListenerFormState>) => {
    const next = { ...latest.current.f, ...p };
    madeAt.set(next, ++edits);
    latest.current.f = next;
    setF(next);
    setServerErrors([]);
    // a field showing an error is checked again as it is typed: a fixed value must not keep its stale message
    // until the debounce catches up
    if (Object.keys(p).some((k) => latest.current.shown.some((e) => isUnder(e.path, k)))) setCheckNow(next);
  };
  const touch = (e: SyntheticEvent<HTMLFormElement>, now: boolean) => {
    const name = (e.target as { name?: unknown }).name;
    if (typeof name === "string" && name) setTouched((prev) => (prev.has(name) ? prev : new Set(prev).add(name)));
    if (now) setCheckNow(f);
  };

  const check = (form: ListenerFormState, base: DraftListenerItem | undefined) => {
    const errs = validateListener(form, base?.listener as Obj | undefined, primaryVhosts(base));
    if (taken.includes(form.name.trim()) && form.name.trim() !== base?.name) errs.push({ path: "name", message: "a listener with this name already exists" });
    return errs;
  };
  const typed = useDebounced(f, 300);
  // a form checked at once (a blur, a field fixed) stays what is checked until the debounced value is newer
  const checked = checkNow !== null && (checkNow === f || newer(checkNow, typed)) ? checkNow : typed;
  const localErrors = useMemo(
    () => check(checked, original).filter((e) => submitted || [...touched].some((field) => isUnder(e.path, field) || isUnder(field, e.path))),
    // check reads `taken` and `original`, both listed
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [checked, submitted, touched, taken, original],
  );
  useEffect(() => {
    latest.current = { f, shown: localErrors };
  }, [f, localErrors]);
  const claims = new ErrorClaims(toErrorMap([...localErrors, ...serverErrors]));
  const err = {
    name: claims.get("name"),
    address: claims.get("address"),
    port: claims.get("port"),
    protocol: claims.get("protocol"),
    statPrefix: claims.get("statPrefix"),
    cluster: claims.get("cluster"),
  };

  const store = (form: ListenerFormState, base: DraftListenerItem | undefined, ifMatch: number | undefined) => {
    const body = ListenerBody.parse(formToBody(form));
    save.mutate(
      { originalName: base?.name, body, ifMatch },
      {
        onSuccess: ({ data, revision: next }) => {
          setOriginal(data);
          const form = listenerToForm(data);
          setOpened(form);
          setF(form);
          setRevision(next ?? undefined);
          onSaved(data);
        },
        onError: (e) => {
          routeSaveError(e, { conflict: setConflict, fields: setServerErrors, banner: setFailure });
        },
      },
    );
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    setCheckNow(f);
    setFailure(undefined);
    setConflict(null);
    if (check(f, original).length) return;
    store(f, original, revision);
  };

  /** Reload the draft; `keepMine`: put my change on top of the latest listener and save, else show the latest. */
  const reload = async (keepMine: boolean) => {
    setReapplying(true);
    setFailure(undefined);
    try {
      const fresh = await qc.fetchQuery({ ...draftListenersQuery(), staleTime: 0 });
      const ifMatch = fresh.revision ?? undefined;
      setRevision(ifMatch);
      setConflict(null);
      const latest = original ? fresh.data.find((l) => l.name === original.name) : undefined;
      if (original && !latest) {
        setFailure(`The listener ${original.name} was renamed or deleted meanwhile, so there is nothing to apply your change to.`);
        return;
      }
      const latestForm = latest ? listenerToForm(latest) : emptyListener();
      const next = keepMine ? rebaseForm(opened, f, latestForm, sameIgnoringKeys) : latestForm;
      setOriginal(latest);
      setOpened(latestForm);
      setF(next);
      setCheckNow(next);
      setServerErrors([]);
      if (keepMine && !check(next, latest).length) store(next, latest, ifMatch);
    } catch (e) {
      setFailure(errorMessage(e));
    } finally {
      setReapplying(false);
    }
  };

  const unclaimed = (e: FieldError) => !OWN_PATHS.some((p) => isUnder(e.path, p));
  const certificates =
    f.protocol === "https" ? (
      <CertificatesEditor
        source={f.certificateSource}
        onSource={(certificateSource) => patch({ certificateSource })}
        secrets={f.secrets}
        onSecrets={(secrets) => patch({ secrets })}
        onUpload={setUploadFor}
        rows={f.certificates}
        inline={f.inlineCertificates}
        serverNames={f.serverNames}
        onRows={(certificates) => patch({ certificates })}
        onServerNames={(serverNames) => patch({ serverNames })}
        claims={claims}
      />
    ) : null;
  const unplaced = localErrors.filter(unclaimed);

  return (
    <>
      <form id={id} onSubmit={submit} onChange={(e) => touch(e, false)} onBlur={(e) => touch(e, true)} noValidate className="stack">
        {conflict && <ConflictNotice conflict={conflict} pending={save.isPending || reapplying} onReapply={() => reload(true)} onDiscard={() => reload(false)} />}
        <fieldset>
          <legend>Listener</legend>
          <div className="form-grid">
            <Field label="Name" envoy="name" error={err.name} hint="Routes and stats name the listener by it.">
              <input type="text" name="name" value={f.name} onChange={(e) => patch({ name: e.target.value })} placeholder="edge" autoComplete="off" className="mono" />
            </Field>
            <Field label="Protocol" error={err.protocol} hint={f.protocol === "tcp" ? "Connections go to one cluster as they are (tcp_proxy)." : "HTTP requests are routed by virtual host and route."}>
              <select name="protocol" value={f.protocol} onChange={(e) => patch({ protocol: e.target.value as ListenerFormState["protocol"] })}>
                <option value="http">HTTP</option>
                <option value="https">HTTPS (TLS)</option>
                <option value="tcp">TCP</option>
              </select>
            </Field>
            <Field label="Address" envoy="address.socket_address.address" error={err.address} hint="0.0.0.0: every IPv4 address of the worker; 127.0.0.1: local only.">
              <input type="text" name="address" value={f.address} onChange={(e) => patch({ address: e.target.value })} placeholder="0.0.0.0" autoComplete="off" className="mono" />
            </Field>
            <Field label="Port" envoy="address.socket_address.port_value" error={err.port}>
              <input type="text" name="port" inputMode="numeric" value={f.port} onChange={(e) => patch({ port: e.target.value })} placeholder="8080" autoComplete="off" />
            </Field>
            <Field label="Stat prefix" envoy={f.protocol === "tcp" ? "tcp_proxy.stat_prefix" : "http_connection_manager.stat_prefix"} error={err.statPrefix} hint={f.protocol === "tcp" ? "Stats are tcp.<prefix>.*" : "Stats are http.<prefix>.*"}>
              <input type="text" name="statPrefix" value={f.statPrefix} onChange={(e) => patch({ statPrefix: e.target.value })} placeholder={original?.statPrefix ?? (f.name.trim() || "(the name)")} autoComplete="off" className="mono" />
            </Field>
            {f.protocol === "tcp" && (
              <Field label="Cluster" envoy="tcp_proxy.cluster" error={err.cluster}>
                <select name="cluster" value={f.cluster} onChange={(e) => patch({ cluster: e.target.value })}>
                  <option value="">{original?.protocol === "tcp" && !original.cluster ? "(weighted clusters, kept)" : "Choose a cluster…"}</option>
                  {clusters.map((c) => (
                    <option key={c} value={c}>
                      {c}
                    </option>
                  ))}
                </select>
              </Field>
            )}
          </div>
        </fieldset>
        {certificates}
        <UnplacedErrors errors={unplaced} />
        <ErrorSummary errors={serverErrors.filter(unclaimed)} title="The server refused the listener" />
        {failure && (
          <div className="alert" role="alert">
            {failure}
          </div>
        )}
      </form>
      {uploadFor !== null && (
        <SecretDialog
          kind="tls_certificate"
          onClose={() => setUploadFor(null)}
          onDone={(s) => {
            patch({ secrets: f.secrets.map((n, i) => (i === uploadFor ? s.name : n)) });
            setTouched((prev) => new Set(prev).add(`secrets[${uploadFor}]`));
            // touched now: checked with the secret just chosen, not the debounced value from before the upload
            setCheckNow(latest.current.f);
            setUploadFor(null);
          }}
        />
      )}
    </>
  );
}
