import type { Metadata } from "next";
import { TraceDetailPage } from "@/components/traces/trace-detail-page";

export async function generateMetadata({ params }: { params: Promise<{ traceId: string }> }): Promise<Metadata> {
  const { traceId } = await params;
  return { title: `Trace ${decodeURIComponent(traceId).slice(0, 16)}` };
}

export default async function Page({ params }: { params: Promise<{ traceId: string }> }) {
  const { traceId } = await params;
  return <TraceDetailPage traceId={decodeURIComponent(traceId)} />;
}
