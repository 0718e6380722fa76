"use client";
// Creating an account (admin): email, name, a first password (at least 12 characters) and its role.
import { useState, type FormEvent } from "react";
import { ApiError, errorMessage, type FieldError } from "@/components/queries/api-client";
import { useCreateUser } from "@/components/queries/use-accounts";
import { ActionFooter } from "@/components/ui/action-footer";
import { Field } from "@/components/ui/field";
import { Panel } from "@/components/ui/panel";
import { CreateUserBody } from "@/lib/contract/accounts";
import type { Role } from "@/lib/contract/session";

interface Form { email: string; name: string; password: string; role: Role }

export function CreateUserDialog({ onClose }: { onClose: () => void }) {
  const create = useCreateUser();
  const [f, setF] = useState<Form>({ email: "", name: "", password: "", role: "editor" });
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const err = (path: string) => errors.find((e) => e.path === path)?.message;
  const patch = (p: Partial<Form>) => {
    setF((prev) => ({ ...prev, ...p }));
    setErrors([]);
    setFailure(null);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const r = CreateUserBody.safeParse(f);
    if (!r.success) return setErrors(r.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })));
    create.mutate(r.data, {
      onSuccess: () => setDone(true),
      onError: (e) => {
        if (e instanceof ApiError && e.status === 409) setErrors([{ path: "email", message: e.message }]);
        else setFailure(errorMessage(e));
      },
    });
  };

  return (
    <Panel
      variant="dialog"
      title={done ? `${f.email.trim()} can sign in` : "Add user"}
      onClose={onClose}
      footer={
        <ActionFooter done={done} onClose={onClose}>
          <button type="submit" form="create-user-form" className="btn primary" disabled={create.isPending}>
            {create.isPending ? "Creating…" : "Create user"}
          </button>
        </ActionFooter>
      }
    >
      {done ? (
        <p style={{ marginTop: 0 }}>
          Give them the password you chose over a channel you trust; they sign in at <code>/login</code> as {f.role}.
        </p>
      ) : (
        <form id="create-user-form" className="stack" onSubmit={submit} noValidate>
          <Field label="Email" error={err("email")}>
            <input type="email" value={f.email} onChange={(e) => patch({ email: e.target.value })} autoComplete="off" autoFocus spellCheck={false} />
          </Field>
          <Field label="Name" error={err("name")}>
            <input value={f.name} onChange={(e) => patch({ name: e.target.value })} autoComplete="off" />
          </Field>
          <Field label="Password" error={err("password")} hint="At least 12 characters.">
            <input type="password" value={f.password} onChange={(e) => patch({ password: e.target.value })} autoComplete="new-password" />
          </Field>
          <Field label="Role" error={err("role")} hint="viewer reads; editor edits the draft, publishes and rolls back; admin also manages users, tokens and settings.">
            <select value={f.role} onChange={(e) => patch({ role: e.target.value as Role })}>
              <option value="viewer">viewer</option>
              <option value="editor">editor</option>
              <option value="admin">admin</option>
            </select>
          </Field>
          {failure && (
            <div className="alert" role="alert">
              Could not create the user: {failure}
            </div>
          )}
        </form>
      )}
    </Panel>
  );
}
