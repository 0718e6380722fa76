import type { Metadata } from "next";
import { AccessLogPage } from "@/components/access-log/access-log-page";

export const metadata: Metadata = { title: "Access log" };

export default function Page() {
  return <AccessLogPage />;
}
