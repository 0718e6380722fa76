import type { Metadata } from "next";
import { ListenersPage } from "@/components/listeners/listeners-page";

export const metadata: Metadata = { title: "Listeners" };

export default function Page() {
  return <ListenersPage />;
}
