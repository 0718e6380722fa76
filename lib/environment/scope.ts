// Which environment a unit of work acts on. A request handler (lib/http.ts) runs inside the scope of the
// environment the request names; background work (the guard, a canary, the demo) enters the scope of the
// version it acts on. The config services read it with currentEnvironment() and pass it to the repositories
// explicitly. server.ts and Next's bundle load their own copies of this module, so the storage lives on
// globalThis under a shared symbol, like the config lock.
import { AsyncLocalStorage } from "node:async_hooks";
import { DEFAULT_ENVIRONMENT } from "../contract/environments";

const KEY = Symbol.for("signalbox.environmentScope");

function storage(): AsyncLocalStorage<string> {
  const g = globalThis as unknown as Record<symbol, AsyncLocalStorage<string> | undefined>;
  return (g[KEY] ??= new AsyncLocalStorage<string>());
}

/** The environment of the running unit of work; "default" outside any scope. */
export function currentEnvironment(): string {
  return storage().getStore() ?? DEFAULT_ENVIRONMENT;
}

/** Runs `fn` (and everything it awaits) in environment `env`. */
export function inEnvironment<T>(env: string, fn: () => T): T {
  return storage().run(env, fn);
}
