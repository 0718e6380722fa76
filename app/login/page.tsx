import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { LoginForm } from "@/components/login/login-form";
import { setupNeeded } from "@/lib/accounts/account-service";
import { ssoConfig } from "@/lib/accounts/sso-config";

export const metadata: Metadata = { title: "Sign in" };
// depends on whether any account exists yet, and on the single sign-on settings
export const dynamic = "force-dynamic";

type Search = { next?: string; error?: string; error_description?: string };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Search> }) {
  if (await setupNeeded()) redirect("/setup");
  const { next, error, error_description } = await searchParams;
  // only same-site paths, never an open redirect
  const back = next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
  const sso = await ssoConfig();
  // a failed single sign-on comes back here with better-auth's ?error= (and what the provider said)
  const ssoError = error ? { code: error.slice(0, 100), description: error_description?.slice(0, 500) ?? null } : null;
  return <LoginForm next={back} sso={sso ? { name: sso.name } : null} ssoError={ssoError} />;
}
