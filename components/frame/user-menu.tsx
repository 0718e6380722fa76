"use client";
// The header's right end: who is signed in, and Sign out (DELETE /api/session clears the cookie, then /login).
import { errorMessage } from "@/components/queries/api-client";
import { useLogoutMutation, useSessionQuery } from "@/components/queries/use-session";

export function UserMenu() {
  const session = useSessionQuery();
  const logout = useLogoutMutation();
  return (
    <div className="user-menu">
      {session.data && (
        <span className="small muted" data-testid="signed-in-as" title={`Signed in as ${session.data.actor} (${session.data.role})`}>
          {session.data.user?.name ?? session.data.actor} · {session.data.role}
        </span>
      )}
      <button type="button" className="btn small" onClick={() => logout.mutate()} disabled={logout.isPending || logout.isSuccess}>
        {logout.isPending || logout.isSuccess ? "Signing out…" : "Sign out"}
      </button>
      {logout.isError && (
        <span className="small" role="alert" style={{ color: "var(--red)" }}>
          {errorMessage(logout.error)}
        </span>
      )}
    </div>
  );
}
