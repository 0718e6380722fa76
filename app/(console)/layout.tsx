import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { HeaderBar } from "@/components/frame/header-bar";
import { SideNav } from "@/components/frame/side-nav";
import { getSessionActor } from "@/lib/auth";
import { setupNeeded } from "@/lib/accounts/account-service";

// Every console page is per-request: it depends on the session cookie.
export const dynamic = "force-dynamic";

// The frame of every console page: left navigation, header with live/draft state, content.
// Without any account yet go to /setup (first run); without a valid session to /login (the API client also
// redirects on a 401).
export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const h = await headers();
  if (!(await getSessionActor(h))) redirect((await setupNeeded()) ? "/setup" : "/login");
  return (
    <div className="frame">
      <SideNav />
      <div className="main">
        <HeaderBar />
        <main className="content">{children}</main>
      </div>
    </div>
  );
}
