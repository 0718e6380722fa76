// The Actor of the running API request. withHandler (lib/http.ts) runs each handler inside its actor's scope, so
// an audit entry written anywhere below it (addAudit) records how that actor authenticated and from which address
// without every service passing the whole Actor along. Like the environment scope, the storage lives on
// globalThis under a shared symbol because server.ts and Next's bundle load their own copies of this module.
import { AsyncLocalStorage } from "node:async_hooks";
import type { Actor } from "./actor";

const KEY = Symbol.for("signalbox.actorScope");

function storage(): AsyncLocalStorage<Actor> {
  const g = globalThis as unknown as Record<symbol, AsyncLocalStorage<Actor> | undefined>;
  return (g[KEY] ??= new AsyncLocalStorage<Actor>());
}

/** The actor of the request being handled; null in background work (guard, canary timers, start-up). */
export function currentActor(): Actor | null {
  return storage().getStore() ?? null;
}

/** Runs `fn` (and everything it awaits) as `actor`. */
export function asActor<T>(actor: Actor, fn: () => T): T {
  return storage().run(actor, fn);
}
