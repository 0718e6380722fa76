import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SetupForm } from "@/components/login/setup-form";
import { setupNeeded } from "@/lib/accounts/account-service";

export const metadata: Metadata = { title: "Set up Signalbox" };
export const dynamic = "force-dynamic";

/** First run: the first admin account. Once any account exists this page only sends you to /login. */
export default async function SetupPage() {
  if (!(await setupNeeded())) redirect("/login");
  return <SetupForm />;
}
