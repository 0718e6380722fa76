"use client";
// The frame of a Settings list page (Users, Teams, API tokens): its title, what it is for under a link back to
// Settings, the one action that adds an item, the last refusal, and, on a page only admins manage, what anyone
// else sees instead (the API refuses them too).
import Link from "next/link";
import type { ReactNode } from "react";
import { useSessionQuery } from "@/components/queries/use-session";

export function SettingsListPage({ title, intro, action, error, adminOnly, children }: {
  title: string;
  intro: ReactNode;
  action: ReactNode;
  error?: string | null;
  /** what only an admin manages ("users"): anyone else gets a card saying so */
  adminOnly?: string;
  children: ReactNode;
}) {
  const me = useSessionQuery();
  if (adminOnly && me.data && me.data.role !== "admin") return <AdminOnlyCard title={title} what={adminOnly} />;
  return (
    <>
      <div className="page-head">
        <div>
          <h1>{title}</h1>
          <p>
            <Link href="/settings">Settings</Link> · {intro}
          </p>
        </div>
        {action}
      </div>
      {error && (
        <div className="alert" role="alert">
          {error}
        </div>
      )}
      {children}
    </>
  );
}

/** What an editor or viewer sees instead of a page only admins manage (the API refuses them too). */
export function AdminOnlyCard({ title, what }: { title: string; what: string }) {
  const me = useSessionQuery();
  return (
    <div className="card">
      <h1>{title}</h1>
      <p>
        Only an admin manages {what}.{me.data ? ` You are signed in as ${me.data.actor} (${me.data.role}).` : ""}
      </p>
    </div>
  );
}
