import type { Metadata } from "next";
import { SessionsPage } from "@/components/settings/sessions-page";

export const metadata: Metadata = { title: "Sessions" };

export default function Page() {
  return <SessionsPage />;
}
