// A full garbage collection in another Node process, through its inspector: SIGUSR1 makes a running Node process
// open its inspector (on 127.0.0.1 and the port of its --inspect-port; Node's docs, "Activating inspector"), and
// the Chrome DevTools Protocol's HeapProfiler.collectGarbage runs a full GC; then the process's own
// process.memoryUsage() says how much of its RSS is V8's heap and how much memory outside it (ArrayBuffers,
// WebAssembly memories) its objects hold. RSS read before and after tells memory the process holds from garbage
// awaiting V8's next major GC.
import WebSocket from "ws";
import { waitFor } from "../../tests/support/console-process";

/** process.memoryUsage() of the process, MB */
export interface MemoryUsage {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
}

export async function collectGarbage(pid: number, inspectPort: number): Promise<MemoryUsage> {
  process.kill(pid, "SIGUSR1");
  const targets = await waitFor(
    `the inspector of pid ${pid} on port ${inspectPort}`,
    async () => (await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as { webSocketDebuggerUrl: string }[],
    10_000,
    100,
  );
  const ws = new WebSocket(targets[0].webSocketDebuggerUrl);
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  ws.on("message", (d) => {
    const m = JSON.parse(String(d)) as { id?: number; result?: unknown; error?: { message: string } };
    const p = m.id === undefined ? undefined : pending.get(m.id);
    if (!p) return;
    pending.delete(m.id!);
    if (m.error) p.reject(new Error(m.error.message));
    else p.resolve(m.result);
  });
  let id = 0;
  const call = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve, reject) => {
      pending.set(++id, { resolve, reject });
      ws.send(JSON.stringify({ id, method, params }));
    });
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    await call("HeapProfiler.collectGarbage");
    const r = (await call("Runtime.evaluate", { expression: "JSON.stringify(process.memoryUsage())", returnByValue: true })) as { result: { value: string } };
    const m = JSON.parse(r.result.value) as Record<keyof MemoryUsage, number>;
    const mb = (x: number) => x / 2 ** 20;
    return { rss: mb(m.rss), heapTotal: mb(m.heapTotal), heapUsed: mb(m.heapUsed), external: mb(m.external) };
  } finally {
    ws.close();
  }
}
