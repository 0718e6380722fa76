// A process-wide slot for a part that server.ts starts and route handlers use. Route handlers run inside Next's
// bundle, which has its own copies of every module; a module-level variable would not be shared, so both sides
// meet on globalThis under a Symbol.for key, as the control plane does.
import { ApiError } from "./errors";

export interface ProcessSlot<T> {
  set(value: T | null): void;
  get(): T | null;
  /** For route handlers: the running part, or a 503 naming it when this process runs none (never under server.ts). */
  require(): T;
}

export function processSlot<T>(key: string, unavailable: string): ProcessSlot<T> {
  const k = Symbol.for(key);
  const g = globalThis as unknown as Record<symbol, T | null | undefined>;
  return {
    set: (value) => void (g[k] = value),
    get: () => g[k] ?? null,
    require: () => {
      const v = g[k];
      if (!v) throw new ApiError(503, "unavailable", unavailable);
      return v;
    },
  };
}
