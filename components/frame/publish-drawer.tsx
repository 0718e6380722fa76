"use client";
// Review & publish: the draft's changes (readable, per resource), its validation, their impact, a required
// message, Publish, then the rollout of that version, node by node.
import { useState, type FormEvent } from "react";
import { errorMessage } from "@/components/queries/api-client";
import { ActionFooter } from "@/components/ui/action-footer";
import type { DraftStatus } from "@/components/queries/types";
import { usePublishGatedMutation } from "@/components/queries/use-route-tests";
import { Field } from "@/components/ui/field";
import { Panel } from "@/components/ui/panel";
import { ImpactPreview } from "@/components/review/impact-preview";
import { RouteTestGate, useRouteTestGate } from "@/components/review/route-test-gate";
import { GuardToggle, useGuardToggle } from "@/components/review/guard-toggle";
import { CanaryOption, useCanaryOption } from "@/components/review/canary-option";
import { REVIEW_SECTION_IDS, ValidationSummary, useDraftValidation } from "@/components/review/validation-summary";
import { DraftDiff } from "./draft-diff";
import { RolloutStatus } from "./rollout-status";

export function PublishDrawer({ status, onClose }: { status: DraftStatus; onClose: () => void }) {
  const publish = usePublishGatedMutation();
  const gate = useRouteTestGate(status.revision);
  const guard = useGuardToggle();
  const canary = useCanaryOption();
  const validation = useDraftValidation(status);
  const [message, setMessage] = useState("");
  const [messageError, setMessageError] = useState<string>();
  const [published, setPublished] = useState<{ id: string; number: number | null } | null>(null);
  const changes = status.changes;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!message.trim()) {
      setMessageError("A message is required: say why you are publishing.");
      return;
    }
    setMessageError(undefined);
    if (!gate.ready()) return;
    if (validation.blockedBy) return;
    if (guard.error || canary.error) return;
    publish.mutate({ message: message.trim(), ...gate.body(), guard: guard.guard, canary: canary.target }, {
      onSuccess: (v) => setPublished({ id: v.id, number: v.number }),
    });
  };

  return (
    <Panel
      variant="drawer-wide"
      title={published ? "Published" : "Review & publish"}
      onClose={onClose}
      footer={
        <ActionFooter done={published !== null} onClose={onClose}>
          {validation.blockedBy && (
            <span className="field-error" data-testid="publish-blocked">
              {validation.blockedBy}
            </span>
          )}
          <button type="submit" form="publish-form" className="btn primary" disabled={publish.isPending || validation.blockedBy !== null || (changes.length === 0 && !status.routeTestsChanged)}>
            {publish.isPending ? "Publishing…" : "Publish"}
          </button>
        </ActionFooter>
      }
    >
      {published ? (
        <>
          <div className="alert info" role="status">
            Version {published.number !== null ? `v${published.number}` : ""} is published. The nodes apply it now: follow them below.
          </div>
          <RolloutStatus versionId={published.id} number={published.number} />
        </>
      ) : (
        <>
          {/* ---- 1. Diff: the draft against the live version, resource by resource (GET /api/draft/diff) */}
          <section aria-label="Draft changes" id={REVIEW_SECTION_IDS.changes}>
            <h3>Changes against {status.live ? `v${status.live.number}` : "nothing published"}</h3>
            {changes.length === 0 ? (
              <p className="muted">
                {status.routeTestsChanged
                  ? "Only the route tests changed: publishing records them with a new version of the same config."
                  : "The draft is the same as the live version. Edit routes or clusters first."}
              </p>
            ) : (
              <DraftDiff status={status} />
            )}
          </section>
          {/* ---- 2. Validation: what a publish would refuse the draft for (components/review/validation-summary.tsx) */}
          <section aria-label="Validation">
            <ValidationSummary state={validation} noChanges={changes.length === 0 && !status.routeTestsChanged} routeTestsFail={gate.blocked} />
          </section>
          {/* ---- 3. Impact: recent requests replayed against the draft (components/review/impact-preview.tsx) */}
          {changes.length > 0 && (
            <section aria-label="Impact">
              <h3>Impact</h3>
              <ImpactPreview />
            </section>
          )}
          {/* ---- Route tests: the draft's suite against the draft; failing ones need an override reason */}
          <section aria-label="Route tests" id={REVIEW_SECTION_IDS.routeTests}>
            <h3>Route tests</h3>
            <RouteTestGate gate={gate} />
          </section>
          {/* ---- 4. Message, then Publish (footer) */}
          <form id="publish-form" onSubmit={submit} className="stack" noValidate>
            <GuardToggle state={guard} />
            <CanaryOption state={canary} />
            <Field label="Message" hint="Shown in the version history. Say what changes and why." error={messageError}>
              <input
                type="text"
                name="message"
                value={message}
                onChange={(e) => {
                  setMessage(e.target.value);
                  if (e.target.value.trim()) setMessageError(undefined);
                }}
                placeholder="e.g. Send /api to the new backend"
                required
                autoComplete="off"
              />
            </Field>
            {publish.isError && (
              <div className="alert" role="alert">
                Publish failed: {errorMessage(publish.error)}
              </div>
            )}
          </form>
        </>
      )}
    </Panel>
  );
}
