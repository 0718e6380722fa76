import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { HeaderBar } from "@/components/frame/header-bar";
import { SideNav } from "@/components/frame/side-nav";
import { getSessionActor } from "@/lib/auth";

// Every console page is per-request: it depends on the session cookie.
export const dynamic = "force-dynamic";

// The frame of every console page: left navigation, header with live/draft state, content.
// Without a valid session go to /login first (the API client also redirects on a 401).
export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  if (!getSessionActor(await cookies())) redirect("/login");
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
