"use client";
import { useState, useSyncExternalStore, type FormEvent } from "react";
import { ApiError, errorMessage } from "@/components/queries/api-client";
import { useLoginMutation, useSsoSignIn, useTwoFactorSignIn } from "@/components/queries/use-login-mutation";
import { Field } from "@/components/ui/field";

const noSubscription = () => () => {};

/** What a failed sign-in says: a wrong password and a locked account read differently. */
function loginError(err: unknown): string {
  if (err instanceof ApiError && err.status === 401) return "Wrong email or password.";
  if (err instanceof ApiError && err.code === "locked") return `This account is locked: ${err.message}. Try again later, or ask an admin.`;
  if (err instanceof ApiError && err.code === "rate_limited") return `Too many attempts from this address: ${err.message}.`;
  return errorMessage(err);
}

/** better-auth's callback error codes (its oauth2/errors) in words. */
const SSO_ERRORS: Record<string, string> = {
  state_not_found: "the sign-in did not start in this browser, or took too long",
  state_mismatch: "the sign-in did not start in this browser (state mismatch)",
  please_restart_the_process: "the sign-in did not start in this browser, or took too long",
  invalid_code: "the provider refused to exchange the code (check the client id and secret)",
  unable_to_get_user_info: "the provider's ID token or user info could not be verified",
  email_not_found: "the provider sent no email address",
  email_not_verified: "the provider has not verified this email address",
  account_not_linked: "an account with this email exists, and the provider does not say the email is verified",
  unable_to_link_account: "an account with this email exists, and the provider does not say the email is verified",
  access_denied: "access was denied at the provider",
  oauth_provider_not_found: "single sign-on is not configured",
};

export interface LoginFormProps {
  next: string;
  /** single sign-on configured: the provider's name for the button */
  sso: { name: string } | null;
  /** a failed single sign-on (the ?error= better-auth redirected back with) */
  ssoError: { code: string; description: string | null } | null;
}

export function LoginForm({ next, sso, ssoError }: LoginFormProps) {
  const login = useLoginMutation();
  const twoFactor = useTwoFactorSignIn();
  const ssoSignIn = useSsoSignIn();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [backup, setBackup] = useState(false);
  const [step, setStep] = useState<"password" | "code">("password");
  const [error, setError] = useState<string>();
  const [ssoFailure, setSsoFailure] = useState<string | undefined>(
    ssoError ? `Single sign-on failed: ${SSO_ERRORS[ssoError.code] ?? ssoError.code.replace(/_/g, " ")}${ssoError.description ? ` (${ssoError.description})` : ""}.` : undefined,
  );
  // until hydrated, a native submit would put the password in the URL: keep the button disabled (the server
  // snapshot, false, is used for the server render and hydration; the client one right after)
  const hydrated = useSyncExternalStore(noSubscription, () => true, () => false);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!email.trim() || !password) {
      setError("Enter your email and password.");
      return;
    }
    setError(undefined);
    login.mutate(
      { email: email.trim(), password },
      {
        // a full navigation, so the server layout sees the new cookie
        onSuccess: (r) => ("twoFactor" in r ? setStep("code") : window.location.assign(next)),
        onError: (err) => setError(loginError(err)),
      },
    );
  };

  const submitCode = (e: FormEvent) => {
    e.preventDefault();
    if (!code.trim()) {
      setError(backup ? "Enter a backup code." : "Enter the 6-digit code.");
      return;
    }
    setError(undefined);
    twoFactor.mutate(
      { code: code.trim(), backup },
      {
        onSuccess: () => window.location.assign(next),
        onError: (err) => setError(err instanceof ApiError && err.status === 401 ? `${err.message.replace(/^./, (c) => c.toUpperCase())}.` : loginError(err)),
      },
    );
  };

  const startSso = () => {
    setSsoFailure(undefined);
    ssoSignIn.mutate(next, {
      onSuccess: (r) => window.location.assign(r.url),
      onError: (err) => setSsoFailure(`Single sign-on could not start: ${errorMessage(err)}`),
    });
  };

  return (
    <div className="login-wrap">
      <main className="card login-card">
        <div className="brand" style={{ padding: "0 0 12px" }}>
          <span className="brand-mark" aria-hidden="true">S</span>
          Signalbox
        </div>
        <h1 style={{ marginBottom: 6 }}>Sign in to the console</h1>
        {step === "password" ? (
          <>
            <p className="muted" style={{ marginTop: 0 }}>
              Sign in with your account. An admin creates accounts in Settings → Users.
            </p>
            {sso && (
              <div className="stack" style={{ marginBottom: 12 }}>
                <button type="button" className="btn" onClick={startSso} disabled={!hydrated || ssoSignIn.isPending}>
                  {ssoSignIn.isPending ? "Redirecting…" : `Sign in with ${sso.name}`}
                </button>
              </div>
            )}
            {ssoFailure && (
              <p role="alert" className="small" style={{ color: "var(--red)", marginTop: 0 }}>
                {ssoFailure}
              </p>
            )}
            <form onSubmit={submit} method="post" className="stack" noValidate>
              <Field label="Email">
                <input type="email" name="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="username" autoFocus spellCheck={false} />
              </Field>
              <Field label="Password" error={error}>
                <input type="password" name="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" />
              </Field>
              <button type="submit" className="btn primary" disabled={!hydrated || login.isPending}>
                {login.isPending ? "Signing in…" : "Sign in"}
              </button>
            </form>
          </>
        ) : (
          <form onSubmit={submitCode} method="post" className="stack" noValidate>
            <p className="muted" style={{ marginTop: 0 }}>
              {backup ? "Enter one of your backup codes (each works once)." : "Enter the 6-digit code from your authenticator app."}
            </p>
            <Field label={backup ? "Backup code" : "Code"} error={error}>
              <input
                type="text"
                name="code"
                value={code}
                onChange={(e) => setCode(e.target.value)}
                autoComplete="one-time-code"
                inputMode={backup ? "text" : "numeric"}
                autoFocus
                spellCheck={false}
              />
            </Field>
            <button type="submit" className="btn primary" disabled={!hydrated || twoFactor.isPending}>
              {twoFactor.isPending ? "Checking…" : "Verify"}
            </button>
            <button type="button" className="btn link" onClick={() => { setBackup(!backup); setCode(""); setError(undefined); }}>
              {backup ? "Use the authenticator code" : "Use a backup code"}
            </button>
          </form>
        )}
      </main>
    </div>
  );
}
