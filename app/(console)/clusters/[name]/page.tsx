import type { Metadata } from "next";
import { ClusterDetailPage } from "@/components/clusters/cluster-detail-page";

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }): Promise<Metadata> {
  const { name } = await params;
  return { title: `Cluster ${decodeURIComponent(name)}` };
}

export default async function Page({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  return <ClusterDetailPage name={decodeURIComponent(name)} />;
}
