"use client";
import { useMemo, useState, type FormEvent } from "react";
import { ApiError, errorMessage, type FieldError } from "@/components/queries/api-client";
import { useSaveSettingsMutation } from "@/components/queries/use-settings-query";
import { ErrorSummary } from "@/components/ui/error-summary";
import { Field } from "@/components/ui/field";
import { ErrorClaims, toErrorMap } from "@/components/ui/field-errors";
import type { Settings } from "@/lib/contract/settings";
import { parseSettingsForm, sameSettings, toForm, type SettingsForm } from "./settings-form-model";

/** `readOnly`: the settings as an editor or viewer sees them (PUT /api/settings is an admin's), without Save. */
export function SettingsFormView({ saved, readOnly = false }: { saved: Settings; readOnly?: boolean }) {
  const save = useSaveSettingsMutation();
  const [f, setF] = useState<SettingsForm>(() => toForm(saved));
  const [serverErrors, setServerErrors] = useState<FieldError[]>([]);
  const [failure, setFailure] = useState<string>();
  const [done, setDone] = useState(false);
  const parsed = useMemo(() => parseSettingsForm(f), [f]);
  const claims = new ErrorClaims(toErrorMap([...parsed.errors, ...serverErrors]));
  const err = { hours: claims.get("retentionHours"), zipkin: claims.get("zipkinCollectorUrl") };
  const unchanged = parsed.value !== null && sameSettings(parsed.value, saved);
  const patch = (p: Partial<SettingsForm>) => {
    setF((prev) => ({ ...prev, ...p }));
    setServerErrors([]);
    setFailure(undefined);
    setDone(false);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!parsed.value || unchanged) return;
    save.mutate(parsed.value, {
      onSuccess: () => setDone(true),
      onError: (e) => {
        if (e instanceof ApiError && e.fieldErrors.length) setServerErrors(e.fieldErrors);
        else setFailure(errorMessage(e));
      },
    });
  };

  return (
    <form className="card stack" onSubmit={submit} noValidate aria-label="Settings">
      <fieldset disabled={readOnly}>
        <legend>Telemetry</legend>
        <div className="form-grid">
          <Field
            label="Retention (hours)"
            error={err.hours}
            hint="How long 10-second rollups and events stay in the console's database. The last minutes per second are always kept in memory."
          >
            <input type="text" inputMode="numeric" value={f.retentionHours} onChange={(e) => patch({ retentionHours: e.target.value })} placeholder="24" autoComplete="off" />
          </Field>
        </div>
      </fieldset>
      <fieldset disabled={readOnly}>
        <legend>Trace export</legend>
        <Field
          label="Zipkin collector URL"
          error={err.zipkin}
          hint="Every span the workers send is also forwarded here as Zipkin v2 JSON. Empty: spans stay in the console only."
        >
          <input type="url" value={f.zipkinCollectorUrl} onChange={(e) => patch({ zipkinCollectorUrl: e.target.value })} placeholder="http://zipkin:9411/api/v2/spans" autoComplete="off" className="mono" />
        </Field>
      </fieldset>
      <ErrorSummary errors={claims.rest()} title="The server refused the settings" />
      {failure && (
        <div className="alert" role="alert">
          Could not save: {failure}
        </div>
      )}
      {!readOnly && (
        <div className="row">
          <button type="submit" className="btn primary" disabled={save.isPending || !parsed.value || unchanged}>
            {save.isPending ? "Saving…" : "Save settings"}
          </button>
          {done && !save.isPending && (
            <span className="chip green" role="status">
              Saved
            </span>
          )}
          {unchanged && !done && <span className="small muted">No changes</span>}
        </div>
      )}
    </form>
  );
}
