// Draft and version changes run one at a time per process. server.ts and Next's bundle each load their own
// copy of this module, so the queue lives on globalThis under a shared symbol.
const LOCK = Symbol.for("signalbox.configLock");

export async function serialized<T>(fn: () => Promise<T>): Promise<T> {
  const g = globalThis as unknown as Record<symbol, Promise<void> | undefined>;
  const prev = g[LOCK] ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((r) => (release = r));
  g[LOCK] = prev.then(() => mine);
  await prev;
  try {
    return await fn();
  } finally {
    release();
  }
}
