"use client";
// Creating a token: its name, kind, role (API tokens) or environment (worker tokens) and an optional expiry; the
// answer's secret is shown here once, with a copy button.
import { useState, type FormEvent } from "react";
import { ApiError, errorMessage, type FieldError } from "@/components/queries/api-client";
import { useCreateToken } from "@/components/queries/use-tokens";
import { ActionFooter } from "@/components/ui/action-footer";
import { CopyBox } from "@/components/ui/copy-box";
import { Field } from "@/components/ui/field";
import { Panel } from "@/components/ui/panel";
import { CreateTokenBody, type TokenKind } from "@/lib/contract/tokens";
import type { Role } from "@/lib/contract/session";

interface Form { name: string; kind: TokenKind; role: Role; environment: string; team: string; expiresInDays: string }

/** The body the form says, or the field errors CreateTokenBody finds (the same check as the server's). */
function bodyOf(f: Form): { body: CreateTokenBody | null; errors: FieldError[] } {
  const days = f.expiresInDays.trim();
  const raw = {
    name: f.name, kind: f.kind,
    ...(f.kind === "api" ? { role: f.role } : {}),
    ...(f.kind === "api" && f.team.trim() ? { team: f.team.trim() } : {}),
    ...(f.kind === "worker" && f.environment.trim() ? { environment: f.environment.trim() } : {}),
    ...(days ? { expiresInDays: Number(days) } : {}),
  };
  const r = CreateTokenBody.safeParse(raw);
  if (r.success) return { body: r.data, errors: [] };
  return { body: null, errors: r.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })) };
}

export function CreateTokenDialog({ onClose }: { onClose: () => void }) {
  const create = useCreateToken();
  const [f, setF] = useState<Form>({ name: "", kind: "api", role: "viewer", environment: "", team: "", expiresInDays: "" });
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const err = (path: string) => errors.find((e) => e.path === path)?.message;
  const patch = (p: Partial<Form>) => {
    setF((prev) => ({ ...prev, ...p }));
    setErrors([]);
    setFailure(null);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const { body, errors: found } = bodyOf(f);
    if (!body) return setErrors(found);
    create.mutate(body, {
      onSuccess: (r) => setSecret(r.secret),
      onError: (e) => {
        if (e instanceof ApiError && e.status === 409) setErrors([{ path: "name", message: e.message }]);
        else if (e instanceof ApiError && e.fieldErrors.length) setErrors(e.fieldErrors);
        else setFailure(errorMessage(e));
      },
    });
  };

  return (
    <Panel
      variant="dialog"
      title={secret ? `Token ${f.name.trim()} created` : "Create token"}
      onClose={onClose}
      footer={
        <ActionFooter done={secret !== null} onClose={onClose}>
          <button type="submit" form="create-token-form" className="btn primary" disabled={create.isPending}>
            {create.isPending ? "Creating…" : "Create token"}
          </button>
        </ActionFooter>
      }
    >
      {secret ? (
        <div className="stack">
          <CopyBox label="Secret" value={secret} />
          <div className="alert warn" role="note">
            This secret is shown once. The console keeps only its hash: copy it now{f.kind === "api" ? " and send it as Authorization: Bearer" : ""}.
          </div>
        </div>
      ) : (
        <form id="create-token-form" className="stack" onSubmit={submit} noValidate>
          <Field label="Name" error={err("name")} hint="Unique among the tokens not revoked; the audit shows it as the actor.">
            <input value={f.name} onChange={(e) => patch({ name: e.target.value })} placeholder="ci-deploy" autoComplete="off" autoFocus />
          </Field>
          <Field label="Kind" error={err("kind")}>
            <select value={f.kind} onChange={(e) => patch({ kind: e.target.value as TokenKind })}>
              <option value="api">API token (Bearer for the console API)</option>
              <option value="worker">Worker token (for one proxy worker)</option>
            </select>
          </Field>
          {f.kind === "api" ? (
            <Field label="Role" error={err("role")} hint="viewer reads; editor edits the draft, publishes and rolls back; admin does everything.">
              <select value={f.role} onChange={(e) => patch({ role: e.target.value as Role })}>
                <option value="viewer">viewer</option>
                <option value="editor">editor</option>
                <option value="admin">admin</option>
              </select>
            </Field>
          ) : null}
          {f.kind === "api" ? (
            <Field label="Team" error={err("team")} hint="The team it acts for: an editor token then changes only what that team owns. Empty: none.">
              <input value={f.team} onChange={(e) => patch({ team: e.target.value })} placeholder="payments" autoComplete="off" />
            </Field>
          ) : (
            <Field label="Environment" error={err("environment")} hint="The only environment its worker may join; empty: every environment.">
              <input value={f.environment} onChange={(e) => patch({ environment: e.target.value })} placeholder="default" autoComplete="off" />
            </Field>
          )}
          <Field label="Expires in (days)" error={err("expiresInDays")} hint="Empty: never.">
            <input value={f.expiresInDays} inputMode="numeric" onChange={(e) => patch({ expiresInDays: e.target.value })} placeholder="90" autoComplete="off" />
          </Field>
          {failure && (
            <div className="alert" role="alert">
              Could not create the token: {failure}
            </div>
          )}
        </form>
      )}
    </Panel>
  );
}
