"use client";
// First run: the first admin's email, name and password (at least 12 characters); signs them in on success.
import { useState, useSyncExternalStore, type FormEvent } from "react";
import { ApiError, errorMessage } from "@/components/queries/api-client";
import { useSetupMutation } from "@/components/queries/use-login-mutation";
import { Field } from "@/components/ui/field";
import { MIN_PASSWORD } from "@/lib/contract/session";

const noSubscription = () => () => {};

const problems = {
  email: (v: string) => (/^\S+@\S+\.\S+$/.test(v.trim()) ? undefined : "Enter an email address."),
  name: (v: string) => (v.trim() ? undefined : "Enter a name."),
  password: (v: string) => (v.length >= MIN_PASSWORD ? undefined : `At least ${MIN_PASSWORD} characters.`),
};

export function SetupForm() {
  const setup = useSetupMutation();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<{ email?: string; name?: string; password?: string; form?: string }>({});
  const hydrated = useSyncExternalStore(noSubscription, () => true, () => false);
  /** a field that was refused is checked again as it is typed, so its message goes once the value is right */
  const recheck = (field: "email" | "name" | "password", value: string) => {
    if (errors[field] !== undefined) setErrors((e) => ({ ...e, [field]: problems[field](value) }));
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found: typeof errors = { email: problems.email(email), name: problems.name(name), password: problems.password(password) };
    for (const k of ["email", "name", "password"] as const) if (found[k] === undefined) delete found[k];
    setErrors(found);
    if (Object.keys(found).length) return;
    setup.mutate(
      { email: email.trim(), name: name.trim(), password },
      {
        // a full load, so the server layout sees the new cookie (and Back does not return to setup)
        onSuccess: () => window.location.replace("/"),
        onError: (err) =>
          setErrors({ form: err instanceof ApiError && err.status === 409 ? "The console is already set up: sign in instead." : errorMessage(err) }),
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
        <h1 style={{ marginBottom: 6 }}>Create the first admin</h1>
        <p className="muted" style={{ marginTop: 0 }}>
          No account exists yet. This one can create the others (Settings → Users) and change every setting.
        </p>
        <form onSubmit={submit} method="post" className="stack" noValidate>
          <Field label="Email" error={errors.email}>
            <input type="email" name="email" value={email} onChange={(e) => {
                setEmail(e.target.value);
                recheck("email", e.target.value);
              }} autoComplete="username" autoFocus spellCheck={false} />
          </Field>
          <Field label="Name" error={errors.name}>
            <input type="text" name="name" value={name} onChange={(e) => {
                setName(e.target.value);
                recheck("name", e.target.value);
              }} autoComplete="name" />
          </Field>
          <Field label="Password" hint={`At least ${MIN_PASSWORD} characters.`} error={errors.password}>
            <input type="password" name="password" value={password} onChange={(e) => {
                setPassword(e.target.value);
                recheck("password", e.target.value);
              }} autoComplete="new-password" />
          </Field>
          {errors.form && (
            <p role="alert" className="small" style={{ color: "var(--red)", margin: 0 }}>
              {errors.form}
            </p>
          )}
          <button type="submit" className="btn primary" disabled={!hydrated || setup.isPending}>
            {setup.isPending ? "Creating…" : "Create admin and sign in"}
          </button>
        </form>
      </main>
    </div>
  );
}
