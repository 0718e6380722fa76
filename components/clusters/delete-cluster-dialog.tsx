"use client";
import { errorMessage } from "@/components/queries/api-client";
import { useDeleteClusterMutation } from "@/components/queries/use-cluster-mutations";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";

export function DeleteClusterDialog({ name, routes, onClose, onDeleted }: { name: string; routes: number; onClose: () => void; onDeleted?: () => void }) {
  const remove = useDeleteClusterMutation();
  return (
    <ConfirmDialog
      title="Delete cluster?"
      confirmLabel="Delete cluster"
      danger
      pending={remove.isPending}
      onClose={onClose}
      onConfirm={() =>
        remove.mutate(name, {
          onSuccess: () => {
            onClose();
            onDeleted?.();
          },
        })
      }
    >
      <p style={{ margin: 0 }}>
        The cluster <code>{name}</code> is removed from the draft.
        {routes > 0 && (
          <>
            {" "}
            <strong>
              {routes} {routes === 1 ? "route points" : "routes point"} at it
            </strong>
            : change or delete {routes === 1 ? "it" : "them"} first, or the draft will be refused.
          </>
        )}
      </p>
      {remove.isError && (
        <div className="alert" role="alert">
          {errorMessage(remove.error)}
        </div>
      )}
    </ConfirmDialog>
  );
}
