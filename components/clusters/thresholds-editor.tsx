"use client";
// Circuit-breaker thresholds (DEFAULT priority) with Envoy's defaults as placeholders.
import type { ErrorClaims } from "@/components/ui/field-errors";
import { Field } from "@/components/ui/field";
import { THRESHOLD_PATH, THRESHOLDS, type ClusterFormState, type ThresholdKey } from "./cluster-form-model";

interface Props {
  values: ClusterFormState["thresholds"];
  onChange: (key: ThresholdKey, value: string) => void;
  claims: ErrorClaims;
}

export function ThresholdsEditor({ values, onChange, claims }: Props) {
  return (
    <fieldset>
      <legend>Circuit breakers</legend>
      <p className="field-hint" style={{ marginTop: 0 }}>
        When a limit is reached the proxy fails requests fast instead of piling them onto a struggling cluster. Empty means Envoy&apos;s default.{" "}
        <span className="envoy-name">circuit_breakers.thresholds[priority=DEFAULT]</span>
      </p>
      <div className="form-grid">
        {THRESHOLDS.map((t) => (
          <Field key={t.key} label={t.label} envoy={t.key} hint={`${t.meaning} Default ${t.def}.`} error={claims.get(`${THRESHOLD_PATH}.${t.key}`)}>
            <input type="text" name={`${THRESHOLD_PATH}.${t.key}`} inputMode="numeric" value={values[t.key]} onChange={(e) => onChange(t.key, e.target.value)} placeholder={String(t.def)} autoComplete="off" />
          </Field>
        ))}
      </div>
    </fieldset>
  );
}
