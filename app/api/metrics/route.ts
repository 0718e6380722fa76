import { withHandler } from "@/lib/http";
import { requireTelemetry } from "@/lib/telemetry/registry";

/** Prometheus text exposition of every connected node's latest stats, Envoy-named, with a `node` label. */
export const GET = withHandler({}, async () =>
  new Response(requireTelemetry().queries.metricsText(), {
    headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" },
  }),
);
