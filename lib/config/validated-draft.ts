// The draft a write just validated, kept for the publish that usually follows it. A route or cluster edit
// composes the whole draft and runs the schema over it; publishing the same revision would load, compose and
// validate it all again (at 1,000 routes most of a publish's CPU). The revision moves with every change under
// the config lock, so the draft at the remembered revision is exactly what was validated. A restore replaces the
// revisions wholesale and forgets everything. Module copies (server.ts, Next's bundle) share it on globalThis.
import type { Resources } from "./draft-mapper";

const KEY = Symbol.for("signalbox.validatedDraft");

function slots(): Map<string, { revision: number; resources: Resources }> {
  const g = globalThis as unknown as Record<symbol, Map<string, { revision: number; resources: Resources }> | undefined>;
  return (g[KEY] ??= new Map());
}

/** Environment `env`'s draft at `revision`, composed and valid. */
export function rememberValidated(env: string, revision: number, resources: Resources): void {
  slots().set(env, { revision, resources });
}

/** The remembered draft when it is at `revision` (then forgotten: its objects become the version's), else null. */
export function takeValidated(env: string, revision: number): Resources | null {
  const s = slots().get(env);
  if (!s) return null;
  slots().delete(env);
  return s.revision === revision ? s.resources : null;
}

export function forgetValidated(): void {
  slots().clear();
}
