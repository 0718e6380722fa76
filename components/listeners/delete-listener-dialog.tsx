"use client";
// Deleting a listener takes its virtual hosts and their routes with it: the dialog names them before, and
// says when the draft would be left without any listener.
import { errorMessage } from "@/components/queries/api-client";
import { useDeleteListenerMutation } from "@/components/queries/use-draft-listeners-mutations";
import type { DraftListenerItem } from "@/lib/contract/listeners";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";

const plural = (n: number, one: string, many = one + "s") => `${n} ${n === 1 ? one : many}`;

export function DeleteListenerDialog({ listener, last, onClose }: { listener: DraftListenerItem; last: boolean; onClose: () => void }) {
  const remove = useDeleteListenerMutation();
  const vhosts = listener.virtualHosts;
  return (
    <ConfirmDialog title="Delete listener?" confirmLabel="Delete listener" danger pending={remove.isPending} onClose={onClose} onConfirm={() => remove.mutate(listener.name, { onSuccess: onClose })}>
      <div className="stack" style={{ gap: 8 }}>
        <p style={{ margin: 0 }}>
          The listener <code>{listener.name}</code> ({listener.address}:{listener.port}) is removed from the draft
          {vhosts.length === 0 ? "." : <>, <strong>with {plural(vhosts.length, "virtual host")} and {plural(listener.routes, "route")}</strong>:</>}
        </p>
        {vhosts.length > 0 && (
          <ul className="small" style={{ margin: 0, paddingLeft: 18 }} data-testid="deleted-with">
            {vhosts.map((v) => (
              <li key={`${v.filterChainIndex}/${v.name}`}>
                <code>{v.name}</code> ({v.domains.join(", ")}): {plural(v.routes, "route")}
              </li>
            ))}
          </ul>
        )}
        <p className="muted small" style={{ margin: 0 }}>
          Once you publish, workers close its port.
          {last && " It is the draft's only listener: workers would accept no connections at all."}
        </p>
        {remove.isError && (
          <div className="alert" role="alert">
            {errorMessage(remove.error)}
          </div>
        )}
      </div>
    </ConfirmDialog>
  );
}
