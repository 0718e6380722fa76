import { withHandler } from "@/lib/http";
import { requireTelemetry } from "@/lib/telemetry/registry";

export const dynamic = "force-dynamic";

/** a browser that stops reading is dropped once this many ticks wait for it */
const MAX_QUEUED_TICKS = 30;

/**
 * Server-Sent Events: `event: tick` once a second, `data` a LiveTick (lib/contract/live.ts). The subscription
 * ends when the browser goes away (the request is aborted or the stream cancelled).
 */
export const GET = withHandler({}, async ({ req }) => {
  const live = requireTelemetry().live;
  let unsubscribe: (() => void) | null = null;
  const end = () => {
    unsubscribe?.();
    unsubscribe = null;
  };
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        // `retry`: how soon EventSource reconnects after the console restarts
        controller.enqueue(new TextEncoder().encode("retry: 2000\n: signalbox live channel\n\n"));
        unsubscribe = live.subscribe((chunk) => {
          if ((controller.desiredSize ?? 0) < -MAX_QUEUED_TICKS) {
            end();
            controller.error(new Error("the browser stopped reading"));
            return;
          }
          controller.enqueue(chunk);
        });
        req.signal.addEventListener("abort", () => {
          end();
          try {
            controller.close();
          } catch {
            /* already closed */
          }
        });
      },
      cancel: end,
    },
    { highWaterMark: 1 },
  );
  return new Response(stream, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" },
  });
});
