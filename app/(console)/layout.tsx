import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { HeaderBar } from "@/components/frame/header-bar";
import { SideNav } from "@/components/frame/side-nav";

const SESSION_COOKIE = "signalbox_session";

// The frame of every console page: left navigation, header with live/draft state, content.
// Without a session cookie the page would only show 401s, so go to /login first (the API still
// checks the cookie's validity; an expired one makes the API client redirect).
export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const jar = await cookies();
  if (!jar.get(SESSION_COOKIE)?.value) redirect("/login");
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
