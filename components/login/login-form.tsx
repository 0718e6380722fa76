"use client";
import { useState, useSyncExternalStore, type FormEvent } from "react";
import { ApiError, errorMessage } from "@/components/queries/api-client";
import { useLoginMutation } from "@/components/queries/use-login-mutation";
import { Field } from "@/components/ui/field";

const noSubscription = () => () => {};

export function LoginForm({ next }: { next: string }) {
  const login = useLoginMutation();
  const [token, setToken] = useState("");
  const [error, setError] = useState<string>();
  // until hydrated, a native submit would put the token in the URL: keep the button disabled (the server
  // snapshot, false, is used for the server render and hydration; the client one right after)
  const hydrated = useSyncExternalStore(noSubscription, () => true, () => false);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!token.trim()) {
      setError("Paste the admin token.");
      return;
    }
    setError(undefined);
    login.mutate(token.trim(), {
      // a full navigation, so the server layout sees the new cookie
      onSuccess: () => window.location.assign(next),
      onError: (err) =>
        setError(err instanceof ApiError && (err.status === 401 || err.status === 403) ? "That token is not valid." : errorMessage(err)),
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
        <p className="muted" style={{ marginTop: 0 }}>
          Paste the admin token. It was printed in the console&apos;s log at first start and is stored in{" "}
          <code>data/admin-token</code> (or <code>$SIGNALBOX_DATA_DIR/admin-token</code>). If{" "}
          <code>SIGNALBOX_ADMIN_TOKEN</code> is set, it is that value.
        </p>
        <form onSubmit={submit} method="post" className="stack" noValidate>
          <Field label="Admin token" error={error}>
            <input
              type="password"
              name="token"
              value={token}
              onChange={(e) => setToken(e.target.value)}
              autoComplete="current-password"
              autoFocus
              spellCheck={false}
            />
          </Field>
          <button type="submit" className="btn primary" disabled={!hydrated || login.isPending}>
            {login.isPending ? "Signing in…" : "Sign in"}
          </button>
        </form>
      </main>
    </div>
  );
}
