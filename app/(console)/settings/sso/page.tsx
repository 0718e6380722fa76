import type { Metadata } from "next";
import { SsoPage } from "@/components/settings/sso-page";

export const metadata: Metadata = { title: "Single sign-on" };

export default function Page() {
  return <SsoPage />;
}
