import type { Metadata } from "next";
import { VersionsPage } from "@/components/versions/versions-page";

export const metadata: Metadata = { title: "Versions" };

export default function Page() {
  return <VersionsPage />;
}
