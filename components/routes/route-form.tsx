"use client";
// Route editor in a side panel. Validates with the contract's schema as you type (once typing pauses) and when a
// field is left, each message next to its field; the server validates again and its 422 field paths land next to
// the same fields. Only what the server refuses beyond that (409, 5xx, the network) shows as a banner. A new route
// is placed where it can match (above the first route that would shadow it, route-shadow.ts, as the server does),
// and the panel says where before saving; the user may pick another position. The change is made on the draft
// revision the editor opened on: when someone changed the draft since, the server refuses it (409) and the editor
// offers to reapply it on top of the latest draft.
import Link from "next/link";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState, type FocusEvent, type FormEvent } from "react";
import { errorMessage, routeSaveError, type FieldError } from "@/components/queries/api-client";
import { useEditorRevision } from "@/components/queries/draft-revision";
import { rebaseForm } from "@/components/queries/rebase-form";
import type { Route } from "@/components/queries/types";
import { draftRoutesQuery } from "@/components/queries/use-draft-routes-query";
import { useCreateRouteMutation, useUpdateRouteMutation } from "@/components/queries/use-route-mutations";
import type { DraftConflict } from "@/lib/contract/draft";
import { describeMatch, describePlacement, isStarterCatchAll, placeRoute } from "@/lib/contract/route-shadow";
import { ConflictNotice } from "@/components/ui/conflict-notice";
import { ErrorSummary } from "@/components/ui/error-summary";
import { UnplacedErrors } from "@/components/ui/unplaced-errors";
import { Field } from "@/components/ui/field";
import { ErrorClaims, toErrorMap } from "@/components/ui/field-errors";
import { Panel } from "@/components/ui/panel";
import { useDebounced } from "@/components/ui/use-debounced";
import { EMPTY_ROUTE, fieldOf, formToRoute, keptFields, MATCH_KINDS, otherAction, routeToForm, validateRoute, type RouteFormState } from "./route-form-model";

export interface VhostOption {
  listener: string;
  virtualHost: string;
  domains: string[];
}

interface Props {
  /** `owner`: the team owning the route (or its virtual host), shown in the panel */
  editing?: { id: string; route: Route; owner?: string | null };
  vhosts: VhostOption[];
  clusters: string[];
  onClose: () => void;
  /** a viewer's panel: the route's values, no Save */
  readOnly?: boolean;
}

export function RouteForm({ editing, vhosts, clusters, onClose, readOnly = false }: Props) {
  const qc = useQueryClient();
  const create = useCreateRouteMutation();
  const update = useUpdateRouteMutation();
  const [opened, setOpened] = useState<RouteFormState>(() =>
    editing ? routeToForm(editing.route) : { ...EMPTY_ROUTE, cluster: clusters[0] ?? "" },
  );
  const [f, setF] = useState<RouteFormState>(opened);
  const [target, setTarget] = useState(0);
  // where a new route goes: "auto" (above the first route that would shadow it) or an index in its virtual host
  const [position, setPosition] = useState<"auto" | number>("auto");
  // the fields the user edited or left: their errors show as they type; after a submit, every error shows
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  // the state a blur or submit asked to check at once (typing is checked once it pauses)
  const [checkNow, setCheckNow] = useState<RouteFormState | null>(null);
  const [serverErrors, setServerErrors] = useState<FieldError[]>([]);
  const [failure, setFailure] = useState<string>();
  // the route and draft revision the form stands on: what it was opened with, until it reloads to reapply
  const [original, setOriginal] = useState<Route | undefined>(editing?.route);
  const [conflict, setConflict] = useState<DraftConflict | null>(null);
  const [reapplying, setReapplying] = useState(false);
  const shown = useQuery(draftRoutesQuery()).data;
  const [revision, setRevision] = useEditorRevision({
    shown,
    latest: editing ? shown?.data.find((r) => r.id === editing.id)?.route : undefined,
    base: original,
    untouched: JSON.stringify(f) === JSON.stringify(opened),
    busy: create.isPending || update.isPending || reapplying || conflict !== null,
    rebase: (route) => {
      const form = routeToForm(route);
      setOriginal(route);
      setOpened(form);
      setF(form);
    },
  });
  const set = <K extends keyof RouteFormState>(k: K, v: RouteFormState[K]) => {
    setF((prev) => ({ ...prev, [k]: v }));
    setTouched((prev) => (prev.has(k) ? prev : new Set(prev).add(k)));
    setServerErrors([]);
  };
  // a field left: mark it and check what is there now (blur bubbles to the form as React's focusout)
  const leave = (e: FocusEvent<HTMLFormElement>) => {
    const name = (e.target as { name?: unknown }).name;
    if (typeof name === "string" && name in f) setTouched((prev) => (prev.has(name) ? prev : new Set(prev).add(name)));
    setCheckNow(f);
  };

  const kept = original ? otherAction(original) : null;
  const mk = MATCH_KINDS.find((k) => k.kind === f.matchKind)!;
  const typed = useDebounced(f, 300);
  const checked = checkNow === f ? f : typed;
  const localErrors = useMemo(
    () =>
      validateRoute(checked, original).filter((e) => {
        const field = fieldOf(e.path);
        return submitted || (field !== null && touched.has(field));
      }),
    [checked, original, submitted, touched],
  );
  const claims = new ErrorClaims(toErrorMap([...localErrors, ...serverErrors]));
  const err = {
    name: claims.get("name"),
    match: claims.get(`match.${f.matchKind}`, true) ?? claims.get("match"),
    case: claims.get("match.case_sensitive"),
    cluster: claims.get("route.cluster"),
    timeout: claims.get("route.timeout"),
    status: claims.get("direct_response.status"),
    body: claims.get("direct_response.body", true),
    action: claims.get("") ?? claims.get("route", true) ?? claims.get("direct_response", true),
    position: claims.get("position"),
  };
  // what no field claimed: the server's leftovers are its refusal (a banner); the form's own sit below the fields
  const rest = claims.rest();
  const refused = rest.filter((e) => serverErrors.some((x) => x.path === e.path && x.message === e.message));
  const unplaced = rest.filter((e) => !refused.includes(e));
  const pending = create.isPending || update.isPending || reapplying;

  // the virtual host a new route goes to, its routes in match order, and where the route would go among them
  const vh = vhosts[target];
  const siblings = useMemo(
    () => (vh ? (shown?.data ?? []).filter((r) => r.listener === vh.listener && r.virtualHost === vh.virtualHost).sort((a, b) => a.position - b.position) : []),
    [shown, vh],
  );
  const siblingRoutes = siblings.map((s) => s.route);
  const plan = placeRoute(siblingRoutes, formToRoute(f, original), position === "auto" ? undefined : position);
  const placement = describePlacement(plan, siblingRoutes, true);

  const save = (form: RouteFormState, base: Route | undefined, ifMatch: number | undefined) => {
    const route = formToRoute(form, base);
    const onError = (e: Error) => routeSaveError(e, { conflict: setConflict, fields: setServerErrors, banner: setFailure });
    if (editing) update.mutate({ id: editing.id, route, ifMatch }, { onSuccess: onClose, onError });
    else {
      const at = position === "auto" ? {} : { position };
      create.mutate({ ...(vh ? { listener: vh.listener, virtualHost: vh.virtualHost } : {}), route, ...at, ifMatch }, { onSuccess: onClose, onError });
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    setCheckNow(f);
    setFailure(undefined);
    setConflict(null);
    if (validateRoute(f, original).length) return;
    save(f, original, revision);
  };

  /** Reload the draft, put my change on top of the latest route (fields I did not touch take its values), save. */
  const reapply = async () => {
    setReapplying(true);
    setFailure(undefined);
    try {
      const fresh = await qc.fetchQuery({ ...draftRoutesQuery(), staleTime: 0 });
      const ifMatch = fresh.revision ?? undefined;
      setRevision(ifMatch);
      setConflict(null);
      if (!editing) return save(f, undefined, ifMatch);
      const latest = fresh.data.find((r) => r.id === editing.id);
      if (!latest) {
        setFailure("This route was deleted meanwhile, so there is nothing to apply your change to.");
        return;
      }
      const latestForm = routeToForm(latest.route);
      const merged = rebaseForm(opened, f, latestForm);
      setOpened(latestForm);
      setOriginal(latest.route);
      setF(merged);
      if (validateRoute(merged, latest.route).length) {
        setSubmitted(true);
        setCheckNow(merged);
        return;
      }
      save(merged, latest.route, ifMatch);
    } catch (e) {
      setFailure(errorMessage(e));
    } finally {
      setReapplying(false);
    }
  };

  return (
    <Panel
      title={readOnly ? "Route" : editing ? "Edit route" : "New route"}
      onClose={onClose}
      footer={
        readOnly ? (
          <button type="button" className="btn" onClick={onClose}>
            Close
          </button>
        ) : (
          <>
            <button type="button" className="btn" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" form="route-form" className="btn primary" disabled={pending}>
              {pending ? "Saving…" : editing ? "Save route" : "Create route"}
            </button>
          </>
        )
      }
    >
      <form id="route-form" onSubmit={submit} onBlur={leave} noValidate className="stack">
        {/* a viewer reads the route: every field shown, none editable (a disabled fieldset disables them all) */}
        <fieldset disabled={readOnly} className="stack" style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }}>
          {conflict && <ConflictNotice conflict={conflict} pending={pending} onReapply={reapply} onDiscard={onClose} />}
          {editing && (
            <p className="muted small" style={{ margin: 0 }}>
              Owner: {editing.owner ? <span className="badge">team {editing.owner}</span> : "no team (any editor may change it)"}
            </p>
          )}
          {original && keptFields(original).length > 0 && (
            <div className="alert info small">
              Kept as they are (not editable here yet): {keptFields(original).map((k) => <code key={k}>{k} </code>)}
            </div>
          )}
          {!editing && vhosts.length > 1 && (
            <Field label="Virtual host" hint="The virtual host whose routes this one joins; where among them: Position, below.">
              <select
                value={target}
                onChange={(e) => {
                  setTarget(Number(e.target.value));
                  setPosition("auto");
                }}
              >
                {vhosts.map((v, i) => (
                  <option key={i} value={i}>
                    {v.listener} / {v.virtualHost} ({v.domains.join(", ")})
                  </option>
                ))}
              </select>
            </Field>
          )}
          <Field label="Name" envoy="name" hint="Optional; shown in access logs and traces." error={err.name}>
            <input type="text" name="name" value={f.name} onChange={(e) => set("name", e.target.value)} placeholder="(none)" autoComplete="off" />
          </Field>

          <fieldset>
            <legend>Match</legend>
            <div className="stack">
              <div className="segmented" role="radiogroup" aria-label="Match type">
                {MATCH_KINDS.map((k) => (
                  <label key={k.kind}>
                    <input type="radio" name="matchKind" value={k.kind} checked={f.matchKind === k.kind} onChange={() => set("matchKind", k.kind)} />
                    {k.label}
                  </label>
                ))}
              </div>
              <Field label={mk.field} envoy={f.matchKind === "safe_regex" ? "match.safe_regex.regex" : `match.${f.matchKind}`} hint={mk.hint} error={err.match}>
                <input type="text" name="matchValue" value={f.matchValue} onChange={(e) => set("matchValue", e.target.value)} placeholder={mk.placeholder} autoComplete="off" className="mono" />
              </Field>
              <label className="row small" style={{ gap: 6 }}>
                <input type="checkbox" name="caseSensitive" checked={f.caseSensitive} onChange={(e) => set("caseSensitive", e.target.checked)} />
                Case sensitive <span className="envoy-name" aria-hidden="true">match.case_sensitive · default true</span>
              </label>
              {err.case && <span className="field-error">{err.case}</span>}
            </div>
          </fieldset>

          <fieldset>
            <legend>Action</legend>
            <div className="stack">
              <div className="segmented" role="radiogroup" aria-label="Action">
                <label>
                  <input type="radio" name="action" value="route" checked={f.action === "route"} onChange={() => set("action", "route")} />
                  Forward to cluster
                </label>
                <label>
                  <input type="radio" name="action" value="direct_response" checked={f.action === "direct_response"} onChange={() => set("action", "direct_response")} />
                  Direct response
                </label>
                {kept && (
                  <label>
                    <input type="radio" name="action" value="other" checked={f.action === "other"} onChange={() => set("action", "other")} />
                    Keep {kept}
                  </label>
                )}
              </div>
              {err.action && <span className="field-error" role="alert">{err.action}</span>}
              {f.action === "other" ? (
                <p className="field-hint" style={{ margin: 0 }}>
                  This route&apos;s {kept} is kept exactly as it is; edit it through <code>PUT /api/config</code> for now.
                </p>
              ) : f.action === "route" ? (
                <div className="form-grid">
                  <Field label="Target cluster" envoy="route.cluster" error={err.cluster}
                    hint={clusters.length === 0 ? <>No clusters yet. <Link href="/clusters">Add a cluster</Link> first.</> : undefined}>
                    <select name="cluster" value={f.cluster} onChange={(e) => set("cluster", e.target.value)}>
                      <option value="">Choose a cluster…</option>
                      {clusters.map((c) => (
                        <option key={c} value={c}>
                          {c}
                        </option>
                      ))}
                      {f.cluster && !clusters.includes(f.cluster) && <option value={f.cluster}>{f.cluster} (missing)</option>}
                    </select>
                  </Field>
                  <Field label="Timeout" envoy="route.timeout" hint="Whole request, upstream included." error={err.timeout}>
                    <input type="text" name="timeout" value={f.timeout} onChange={(e) => set("timeout", e.target.value)} placeholder="15s" autoComplete="off" className="mono" />
                  </Field>
                </div>
              ) : (
                <div className="form-grid">
                  <Field label="Status" envoy="direct_response.status" error={err.status}>
                    <input type="text" name="status" inputMode="numeric" value={f.status} onChange={(e) => set("status", e.target.value)} placeholder="200" autoComplete="off" />
                  </Field>
                  <Field label="Body" envoy="direct_response.body.inline_string" error={err.body} className="full">
                    <textarea name="body" rows={3} value={f.body} onChange={(e) => set("body", e.target.value)} placeholder="(empty)" className="mono" />
                  </Field>
                </div>
              )}
            </div>
          </fieldset>
          {!editing && (
            <Field
              label="Position"
              error={err.position}
              hint={
                <span data-testid="route-placement" style={plan.shadowedBy !== null || plan.hides.length ? { color: "var(--amber)" } : undefined}>
                  {placement[0].toUpperCase() + placement.slice(1)}.
                </span>
              }
            >
              <select name="position" value={String(position)} onChange={(e) => setPosition(e.target.value === "auto" ? "auto" : Number(e.target.value))}>
                <option value="auto">Where it can match (automatic)</option>
                {siblings.map((s, i) => (
                  <option key={s.id} value={i}>
                    Above route {i + 1}: {describeMatch(s.route.match)}
                    {isStarterCatchAll(s.route) ? " (starter catch-all)" : s.route.name ? ` (${s.route.name})` : ""}
                  </option>
                ))}
                <option value={siblings.length}>Last (route {siblings.length + 1})</option>
              </select>
            </Field>
          )}
          <UnplacedErrors errors={unplaced} />
          <ErrorSummary errors={refused} title="The server refused the route" />
          {failure && (
            <div className="alert" role="alert">
              {failure}
            </div>
          )}
        </fieldset>
      </form>
    </Panel>
  );
}
