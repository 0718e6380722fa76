import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { LoginForm } from "@/components/login/login-form";
import { setupNeeded } from "@/lib/accounts/account-service";

export const metadata: Metadata = { title: "Sign in" };
// depends on whether any account exists yet
export const dynamic = "force-dynamic";

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  if (await setupNeeded()) redirect("/setup");
  const { next } = await searchParams;
  // only same-site paths, never an open redirect
  const back = next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
  return <LoginForm next={back} />;
}
