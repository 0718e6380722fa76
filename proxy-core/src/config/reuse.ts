// Reusing the parse of resources a snapshot did not change.
//
// A worker validates every snapshot whole, as Envoy does with an RDS update, and between two publishes almost
// every route is the same JSON as before: at 1,000 routes the schema spent ~4 ms of a ~8 ms apply re-reading
// routes it had read the last time, and five workers on one host do it five times per publish. A ParseReuse
// remembers the parsed value of each route by its JSON text; while one runs a parse (ParseReuse.run), a schema wrapped
// in `reusable` hands back the remembered value instead of parsing again.
//
// What makes that safe:
// - the key is the complete JSON of the input and the schema is fixed, so a hit is exactly what a parse would
//   have produced;
// - remembered values are deep-frozen: the previous runtime still serves from them while the next one is built,
//   so a later mutation would change a live config; frozen, it throws instead (in every test too);
// - one value is never handed out twice in one parse: two identical routes in two virtual hosts get objects of
//   their own, as filters keep per-route state (token buckets, settings) keyed by the route's config object;
// - an input whose parse noted a deprecated field is not remembered: the warning names the raw object's path,
//   which a hit would skip;
// - only what the last successful parse used is kept, so memory follows the live config.
import { z } from "zod";
import { notedCount } from "./warnings";

/** The values remembered from the last successful parse, and what the parse in progress hands out. */
export class ParseReuse {
  #kept = new Map<string, unknown>();
  hits = 0;
  misses = 0;

  get size(): number {
    return this.#kept.size;
  }

  /** Runs one parse with this reuse active; what it used is kept only when `succeeded(result)`. */
  run<T>(parse: () => T, succeeded: (result: T) => boolean): T {
    const outer = active;
    const pass = new Pass(this.#kept, this);
    active = pass;
    try {
      const result = parse();
      if (succeeded(result)) this.#kept = pass.next;
      return result;
    } finally {
      active = outer;
    }
  }
}

/** One parse: every key is handed out at most once; `next` is what the following parse may reuse. */
class Pass {
  readonly next = new Map<string, unknown>();
  readonly #given = new Set<string>();

  constructor(
    readonly kept: ReadonlyMap<string, unknown>,
    readonly counts: { hits: number; misses: number },
  ) {}

  take(key: string): unknown {
    const v = this.kept.get(key);
    if (v === undefined || this.#given.has(key)) return undefined;
    this.#given.add(key);
    this.next.set(key, v);
    this.counts.hits++;
    return v;
  }

  keep(key: string, value: unknown): void {
    this.counts.misses++;
    if (this.#given.has(key)) return;
    this.#given.add(key);
    this.next.set(key, deepFreeze(value));
  }
}

let active: Pass | null = null;

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === "object" && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

/**
 * `schema`, reusing earlier results while a ParseReuse is active. On a miss the inner schema runs on the same
 * parse payload as if it stood here itself (its issues, their paths and whether they stop the checks above are
 * unchanged); outside ParseReuse.run it only adds that call.
 */
export function reusable<S extends z.ZodType>(schema: S): z.ZodType<z.output<S>, z.input<S>> {
  const wrapped = z.transform((raw: unknown, payload) => {
    const pass = active;
    const key = pass !== null && raw !== null && typeof raw === "object" ? JSON.stringify(raw) : null;
    if (pass !== null && key !== null) {
      const hit = pass.take(key);
      if (hit !== undefined) return hit as z.output<S>;
    }
    const noted = notedCount();
    const r = schema._zod.run({ value: raw, issues: [] }, { async: false });
    if (r instanceof Promise) throw new Error("reusable: the schema must parse synchronously");
    if (r.issues.length > 0) {
      payload.issues.push(...r.issues);
      return z.NEVER;
    }
    if (pass !== null && key !== null && notedCount() === noted) pass.keep(key, r.value);
    return r.value as z.output<S>;
  });
  // the transform's declared input is `unknown`; what it accepts is exactly what `schema` accepts
  return wrapped as unknown as z.ZodType<z.output<S>, z.input<S>>;
}
