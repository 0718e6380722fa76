"use client";
// "Add node": a name and an environment make a worker token for that node, and the dialog shows the exact command
// that starts a worker with it against this console (the URL the browser is on: wss when it is https). The
// token's secret is in that command and nowhere else: the console keeps only its hash.
import { useState, type FormEvent } from "react";
import { ApiError, errorMessage } from "@/components/queries/api-client";
import { useEnvironmentsQuery } from "@/components/queries/use-environments";
import { useCreateToken } from "@/components/queries/use-tokens";
import { ActionFooter } from "@/components/ui/action-footer";
import { CopyBox } from "@/components/ui/copy-box";
import { Field } from "@/components/ui/field";
import { Panel } from "@/components/ui/panel";
import { WORKER_WS_PATH } from "@/lib/contract/tokens";
import { workerCommand } from "./worker-command";

/** A node id the command line carries as it is: no spaces, no quoting. */
const NODE_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export function AddNodeDialog({ onClose }: { onClose: () => void }) {
  const envs = useEnvironmentsQuery();
  const create = useCreateToken();
  const [name, setName] = useState("");
  const [environment, setEnvironment] = useState<string | null>(null);
  const [error, setError] = useState<{ field: "name" | "environment" | null; message: string } | null>(null);
  const [command, setCommand] = useState<string | null>(null);
  const env = environment ?? envs.data?.current ?? "default";

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const id = name.trim();
    if (!NODE_ID_RE.test(id)) return setError({ field: "name", message: "a node name is 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit" });
    setError(null);
    create.mutate(
      { name: id, kind: "worker", environment: env },
      {
        onSuccess: (r) => {
          const base = `${window.location.protocol === "https:" ? "wss" : "ws"}://${window.location.host}${WORKER_WS_PATH}`;
          setCommand(workerCommand({ controlPlane: base, secret: r.secret, environment: env, nodeId: id }));
        },
        onError: (err) => {
          const field = err instanceof ApiError ? (err.status === 409 || err.fieldErrors.some((f) => f.path === "name") || /name/.test(err.message) ? "name" : /environment/.test(err.message) ? "environment" : null) : null;
          setError({ field, message: errorMessage(err) });
        },
      },
    );
  };

  return (
    <Panel
      variant="dialog"
      title="Add node"
      onClose={onClose}
      footer={
        <ActionFooter done={command !== null} onClose={onClose}>
          {/* until the environments are known the choice would read "default", whatever the console is editing */}
          <button type="submit" form="add-node-form" className="btn primary" disabled={create.isPending || envs.isPending}>
            {create.isPending ? "Creating…" : "Create token"}
          </button>
        </ActionFooter>
      }
    >
      {command === null ? (
        <form id="add-node-form" className="stack" onSubmit={submit} noValidate>
          <p className="muted" style={{ margin: 0 }}>
            A new worker joins with a worker token of its own, scoped to one environment. Revoking the token (Settings → API tokens) disconnects it at once.
          </p>
          <Field label="Name" hint="The node's id (--node-id) and the token's name." error={error?.field === "name" ? error.message : undefined}>
            <input value={name} onChange={(e) => setName(e.target.value)} placeholder="edge-1" autoComplete="off" autoFocus />
          </Field>
          <Field label="Environment" hint="The only environment this worker may join (--environment)." error={error?.field === "environment" ? error.message : undefined}>
            <select value={env} onChange={(e) => setEnvironment(e.target.value)}>
              {(envs.data?.environments ?? [{ name: env }]).map((e) => (
                <option key={e.name} value={e.name}>
                  {e.name}
                </option>
              ))}
            </select>
          </Field>
          {error && error.field === null && (
            <div className="alert" role="alert">
              Could not create the token: {error.message}
            </div>
          )}
        </form>
      ) : (
        <div className="stack">
          <p style={{ margin: 0 }}>Run this on the machine that will serve traffic (Node.js 20.9 or later):</p>
          <CopyBox label="Command" value={command} rows={4} />
          <div className="alert warn" role="note">
            The token in this command is shown once. The console keeps only its hash: if it is lost, revoke it and add the node again.
          </div>
        </div>
      )}
    </Panel>
  );
}
