"use client";
import { useState, useSyncExternalStore, type FormEvent } from "react";
import { ApiError, errorMessage } from "@/components/queries/api-client";
import { useLoginMutation } from "@/components/queries/use-login-mutation";
import { Field } from "@/components/ui/field";

const noSubscription = () => () => {};

/** What a failed sign-in says: a wrong password and a locked account read differently. */
function loginError(err: unknown): string {
  if (err instanceof ApiError && err.status === 401) return "Wrong email or password.";
  if (err instanceof ApiError && err.code === "locked") return `This account is locked: ${err.message}. Try again later, or ask an admin.`;
  if (err instanceof ApiError && err.code === "rate_limited") return `Too many attempts from this address: ${err.message}.`;
  return errorMessage(err);
}

export function LoginForm({ next }: { next: string }) {
  const login = useLoginMutation();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string>();
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
        onSuccess: () => window.location.assign(next),
        onError: (err) => setError(loginError(err)),
      },
    );
  };

  return (
    <div className="login-wrap">
      <main className="card login-card">
        <div className="brand" style={{ padding: "0 0 12px" }}>
          <span className="brand-mark" aria-hidden="true">S</span>
          Signalbox
        </div>
        <h1 style={{ marginBottom: 6 }}>Sign in to the console</h1>
        <p className="muted" style={{ marginTop: 0 }}>
          Sign in with your account. An admin creates accounts in Settings → Users.
        </p>
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
      </main>
    </div>
  );
}
