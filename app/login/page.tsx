import type { Metadata } from "next";
import { LoginForm } from "@/components/login/login-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  // only same-site paths, never an open redirect
  const back = next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
  return <LoginForm next={back} />;
}
