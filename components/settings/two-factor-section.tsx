"use client";
// Settings → Sessions: my TOTP second factor. Turning it on: my password, then the key (a QR code of the otpauth
// URI drawn in the page for an authenticator app to scan, the otpauth link, or the key typed in) and the backup
// codes, shown once, then a first code to confirm.
import { useState, type FormEvent } from "react";
import { errorMessage } from "@/components/queries/api-client";
import { useBeginTwoFactor, useConfirmTwoFactor, useDisableTwoFactor, useTwoFactorQuery } from "@/components/queries/use-account-security";
import { Field } from "@/components/ui/field";
import type { TwoFactorSetup } from "@/lib/contract/accounts";
import { QrCode } from "./qr-code";

export function TwoFactorSection() {
  const status = useTwoFactorQuery();
  const begin = useBeginTwoFactor();
  const confirm = useConfirmTwoFactor();
  const disable = useDisableTwoFactor();
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [setup, setSetup] = useState<TwoFactorSetup | null>(null);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();

  if (status.isPending || status.isError || !status.data.passwordAccount) return null;
  const enabled = status.data.enabled;

  const submitPassword = (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setDone(undefined);
    if (!password) return setError("Enter your password.");
    if (enabled)
      disable.mutate(password, { onSuccess: () => { setPassword(""); setDone("Two-factor sign-in is off."); }, onError: (err) => setError(errorMessage(err)) });
    else begin.mutate(password, { onSuccess: (s) => { setSetup(s); setPassword(""); }, onError: (err) => setError(errorMessage(err)) });
  };

  const submitCode = (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    confirm.mutate(code.trim(), {
      onSuccess: () => { setSetup(null); setCode(""); setDone("Two-factor sign-in is on: signing in now asks for a code."); },
      onError: (err) => setError(errorMessage(err)),
    });
  };

  return (
    <section className="card stack" aria-labelledby="two-factor-title" style={{ marginTop: 16 }}>
      <h2 id="two-factor-title" style={{ margin: 0 }}>Two-factor sign-in</h2>
      <p className="muted" style={{ margin: 0 }}>
        {enabled ? "On: signing in asks for a 6-digit code from your authenticator app after the password." : "Off: signing in asks for your password only. Turn it on to also ask for a code from an authenticator app (TOTP)."}
      </p>
      {done && <p role="status" className="small" style={{ margin: 0 }}>{done}</p>}
      {setup ? (
        <form onSubmit={submitCode} className="stack" noValidate>
          <p style={{ margin: 0 }}>
            Add this key to your authenticator app: scan the QR code, open <a href={setup.totpUri}>the otpauth link</a> on this device, or type the key in.
          </p>
          <div className="row" style={{ alignItems: "center", flexWrap: "wrap", gap: 16 }}>
            <QrCode text={setup.totpUri} label="QR code of the otpauth link" />
            <code className="mono" aria-label="Key" style={{ wordBreak: "break-all", flex: 1, minWidth: 200 }}>{setup.secret}</code>
          </div>
          <p style={{ margin: 0 }}>Backup codes (each works once; they are not shown again):</p>
          <ul className="mono small" aria-label="Backup codes">
            {setup.backupCodes.map((c) => <li key={c}>{c}</li>)}
          </ul>
          <Field label="Code from the app" error={error}>
            <input type="text" name="code" inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} />
          </Field>
          <button type="submit" className="btn primary" disabled={confirm.isPending}>{confirm.isPending ? "Checking…" : "Confirm and turn on"}</button>
        </form>
      ) : (
        <form onSubmit={submitPassword} className="stack" noValidate>
          <Field label="Your password" error={error}>
            <input type="password" name="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
          </Field>
          <button type="submit" className={enabled ? "btn" : "btn primary"} disabled={begin.isPending || disable.isPending}>
            {enabled ? "Turn two-factor sign-in off" : "Turn two-factor sign-in on"}
          </button>
        </form>
      )}
    </section>
  );
}
