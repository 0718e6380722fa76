"use client";
// Create or edit a cluster: settings, endpoints, circuit breakers. Validated with the contract's schema as you
// type (once typing pauses) and when a field is left, each message next to its field (inputs are named by their
// Envoy path, so a change or blur says which field it was); the server's 422 paths land next to the same fields,
// and only what the server refuses beyond that (409, 5xx, the network) shows as a banner. Saved on the draft
// revision the form stands on; when someone changed the draft since, the server refuses (409) and the form
// offers to reapply the change on top of the latest draft.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState, type FormEvent, type SyntheticEvent } from "react";
import { errorMessage, routeSaveError, type FieldError } from "@/components/queries/api-client";
import { useEditorRevision } from "@/components/queries/draft-revision";
import { rebaseForm } from "@/components/queries/rebase-form";
import type { Cluster } from "@/components/queries/types";
import { useSaveClusterMutation } from "@/components/queries/use-cluster-mutations";
import { draftClustersQuery } from "@/components/queries/use-draft-clusters-query";
import type { DraftConflict } from "@/lib/contract/draft";
import { ConflictNotice } from "@/components/ui/conflict-notice";
import { ErrorSummary } from "@/components/ui/error-summary";
import { UnplacedErrors } from "@/components/ui/unplaced-errors";
import { Field } from "@/components/ui/field";
import { ErrorClaims, toErrorMap } from "@/components/ui/field-errors";
import { useDebounced } from "@/components/ui/use-debounced";
import { clusterToForm, emptyCluster, formToCluster, isUnder, validateCluster, type ClusterFormState } from "./cluster-form-model";
import { EndpointsEditor } from "./endpoints-editor";
import { ThresholdsEditor } from "./thresholds-editor";

const OWN_PATHS = ["name", "type", "lb_policy", "connect_timeout", "load_assignment.endpoints[0].lb_endpoints", "circuit_breakers.thresholds[0]"];

interface Props {
  id: string;
  original?: Cluster;
  /** other clusters' names, to refuse a duplicate before the server does */
  taken: string[];
  onSaved: (name: string) => void;
  /** render the submit button here (false when the parent renders it in a panel footer) */
  inlineSubmit?: boolean;
  /** a viewer's form: the cluster's values, no Save */
  readOnly?: boolean;
}

/** Endpoint rows carry a key for React only: equal forms may differ in keys. */
const sameIgnoringKeys = (a: unknown, b: unknown) => JSON.stringify(a, (k, v) => (k === "key" ? undefined : v)) === JSON.stringify(b, (k, v) => (k === "key" ? undefined : v));

export function ClusterForm({ id, original: openedWith, taken, onSaved, inlineSubmit = true, readOnly = false }: Props) {
  const qc = useQueryClient();
  const save = useSaveClusterMutation();
  // the cluster and draft revision the form stands on: what it opened with, then what it saved or reloaded
  const [original, setOriginal] = useState<Cluster | undefined>(openedWith);
  const [opened, setOpened] = useState<ClusterFormState>(() => (openedWith ? clusterToForm(openedWith) : emptyCluster()));
  const [f, setF] = useState<ClusterFormState>(opened);
  const [conflict, setConflict] = useState<DraftConflict | null>(null);
  const [reapplying, setReapplying] = useState(false);
  const shown = useQuery(draftClustersQuery()).data;
  const [revision, setRevision] = useEditorRevision({
    shown,
    latest: original ? shown?.data.find((c) => c.name === original.name)?.cluster : undefined,
    base: original,
    untouched: sameIgnoringKeys(f, opened),
    busy: save.isPending || reapplying || conflict !== null,
    rebase: (cluster) => {
      const form = clusterToForm(cluster);
      setOriginal(cluster);
      setOpened(form);
      setF(form);
    },
  });
  // the fields (Envoy paths) the user edited or left: their errors show as they type; after a submit, all do
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  // the state a blur or submit asked to check at once (typing is checked once it pauses)
  const [checkNow, setCheckNow] = useState<ClusterFormState | null>(null);
  const [serverErrors, setServerErrors] = useState<FieldError[]>([]);
  const [failure, setFailure] = useState<string>();
  const [saved, setSaved] = useState(false);
  const patch = (p: Partial<ClusterFormState>) => {
    setF((prev) => ({ ...prev, ...p }));
    setServerErrors([]);
    setSaved(false);
  };

  const touch = (e: SyntheticEvent<HTMLFormElement>, now: boolean) => {
    const name = (e.target as { name?: unknown }).name;
    if (typeof name === "string" && name) setTouched((prev) => (prev.has(name) ? prev : new Set(prev).add(name)));
    if (now) setCheckNow(f);
  };
  const typed = useDebounced(f, 300);
  const checked = checkNow === f ? f : typed;
  const localErrors = useMemo(() => {
    const errs = validateCluster(checked);
    if (taken.includes(checked.name.trim()) && checked.name.trim() !== original?.name) errs.push({ path: "name", message: "a cluster with this name already exists" });
    return errs.filter((e) => submitted || [...touched].some((field) => isUnder(e.path, field)));
  }, [checked, submitted, touched, taken, original?.name]);
  const claims = new ErrorClaims(toErrorMap([...localErrors, ...serverErrors]));
  // read in render order, so leftovers can be summarised below
  const err = {
    name: claims.get("name"),
    type: claims.get("type"),
    lb: claims.get("lb_policy"),
    timeout: claims.get("connect_timeout"),
  };

  const store = (form: ClusterFormState, base: Cluster | undefined, ifMatch: number | undefined) => {
    const cluster = formToCluster(form, base);
    save.mutate(
      { originalName: base?.name, cluster, ifMatch },
      {
        onSuccess: ({ data, revision: next }) => {
          // the form now stands on what it saved
          setOriginal(data.cluster);
          setOpened(form);
          setRevision(next ?? undefined);
          setSaved(true);
          onSaved(cluster.name);
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
    const errs = validateCluster(f);
    if (errs.length || (taken.includes(f.name.trim()) && f.name.trim() !== original?.name)) return;
    store(f, original, revision);
  };

  /** Reload the draft; `keepMine`: put my change on top of the latest cluster and save, else show the latest. */
  const reload = async (keepMine: boolean) => {
    setReapplying(true);
    setFailure(undefined);
    try {
      const fresh = await qc.fetchQuery({ ...draftClustersQuery(), staleTime: 0 });
      const ifMatch = fresh.revision ?? undefined;
      setRevision(ifMatch);
      setConflict(null);
      const latest = original ? fresh.data.find((c) => c.name === original.name) : undefined;
      if (original && !latest) {
        setFailure(`The cluster ${original.name} was renamed or deleted meanwhile, so there is nothing to apply your change to.`);
        return;
      }
      const latestForm = latest ? clusterToForm(latest.cluster) : emptyCluster();
      const next = keepMine ? rebaseForm(opened, f, latestForm, sameIgnoringKeys) : latestForm;
      setOriginal(latest?.cluster);
      setOpened(latestForm);
      setF(next);
      setCheckNow(next);
      setServerErrors([]);
      if (keepMine && !validateCluster(next).length) store(next, latest?.cluster, ifMatch);
    } catch (e) {
      setFailure(errorMessage(e));
    } finally {
      setReapplying(false);
    }
  };

  const endpointsEditor = <EndpointsEditor rows={f.endpoints} onChange={(endpoints) => patch({ endpoints })} claims={claims} />;
  const thresholdsEditor = (
    <ThresholdsEditor values={f.thresholds} onChange={(k, v) => patch({ thresholds: { ...f.thresholds, [k]: v } })} claims={claims} />
  );
  // the editors claim their own paths while rendering, so leftovers are found by prefix here: the server's are its
  // refusal (a banner), the form's own sit below the fields
  const unclaimed = (e: FieldError) => !OWN_PATHS.some((p) => isUnder(e.path, p));
  const refused = serverErrors.filter(unclaimed);
  const unplaced = localErrors.filter(unclaimed);

  return (
    <form id={id} onSubmit={submit} onChange={(e) => touch(e, false)} onBlur={(e) => touch(e, true)} noValidate className="stack">
      {/* a viewer reads the cluster: every field shown, none editable (a disabled fieldset disables them all) */}
      <fieldset disabled={readOnly} className="stack" style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }}>
        {conflict && <ConflictNotice conflict={conflict} pending={save.isPending || reapplying} onReapply={() => reload(true)} onDiscard={() => reload(false)} />}
        <fieldset>
          <legend>Settings</legend>
          <div className="form-grid">
            <Field label="Name" envoy="name" error={err.name} hint={original ? "Renaming updates the routes that point at it." : undefined}>
              <input type="text" name="name" value={f.name} onChange={(e) => patch({ name: e.target.value })} placeholder="backend" autoComplete="off" className="mono" />
            </Field>
            <Field label="Discovery type" envoy="type" error={err.type} hint="STATIC: IP addresses. STRICT_DNS: every address a hostname resolves to. LOGICAL_DNS: the first one.">
              <select name="type" value={f.type} onChange={(e) => patch({ type: e.target.value })}>
                <option value="">STATIC (default)</option>
                {["STATIC", "STRICT_DNS", "LOGICAL_DNS"].map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Load balancing policy" envoy="lb_policy" error={err.lb} hint="RING_HASH hashes on the route's hash_policy (sticky); LEAST_REQUEST picks the less busy of two hosts.">
              <select name="lb_policy" value={f.lbPolicy} onChange={(e) => patch({ lbPolicy: e.target.value })}>
                <option value="">ROUND_ROBIN (default)</option>
                {["ROUND_ROBIN", "LEAST_REQUEST", "RING_HASH", "RANDOM"].map((p) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Connect timeout" envoy="connect_timeout" error={err.timeout} hint="Time to open a TCP connection to a host.">
              <input type="text" name="connect_timeout" value={f.connectTimeout} onChange={(e) => patch({ connectTimeout: e.target.value })} placeholder="5s" autoComplete="off" className="mono" />
            </Field>
          </div>
        </fieldset>
        {endpointsEditor}
        {thresholdsEditor}
        <UnplacedErrors errors={unplaced} />
        <ErrorSummary errors={refused} title="The server refused the cluster" />
        {failure && (
          <div className="alert" role="alert">
            {failure}
          </div>
        )}
        {inlineSubmit && !readOnly && (
          <div className="row">
            <button type="submit" className="btn primary" disabled={save.isPending}>
              {save.isPending ? "Saving…" : original ? "Save cluster" : "Create cluster"}
            </button>
            {saved && !save.isPending && (
              <span className="chip green" role="status">
                Saved to draft
              </span>
            )}
          </div>
        )}
      </fieldset>
    </form>
  );
}
