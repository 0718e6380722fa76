// The one poll every test layer waits with (proxy-core's integration tests, the console's integration tests, the
// e2e specs): `fn` is called until it returns something truthy, which the wait resolves with. An error thrown by
// `fn` counts as "not yet" (a server still starting refuses the connection) and the last one is in the timeout's
// message; `diagnose` says what the parts involved report at that moment (a process's stderr tail, the console's
// view of its worker), and `giveUp` ends the wait early (a process that exited will not bring anything about).

export interface WaitOptions {
  /** how long before the wait fails (default 15 s: generous, for loaded 2-core CI machines) */
  timeoutMs?: number;
  /** the pause between two calls of `fn` (default 20 ms) */
  everyMs?: number;
  /** what to add to the failure's message: called once, on a timeout or a give-up; its own failure is reported, not thrown */
  diagnose?: () => string | Promise<string>;
  /** called before each try: a reason to stop waiting at once (the wait fails with it), or null to go on */
  giveUp?: () => string | null;
}

/** The `diagnose` and `giveUp` of the positional form `waitFor(what, fn, timeoutMs, everyMs, why)`. */
export type WaitDiagnosis = Pick<WaitOptions, "diagnose" | "giveUp">;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

type Falsy = undefined | null | false | 0 | "";

/**
 * Polls `fn` until it returns something truthy and resolves with it. The third argument is the options, or (the
 * positional form most callers use) the timeout, followed by the pause and the diagnosis.
 */
export async function waitFor<T>(
  what: string,
  fn: () => T | Promise<T>,
  opts: WaitOptions | number = {},
  everyMs?: number,
  why: WaitDiagnosis = {},
): Promise<Exclude<T, Falsy>> {
  const o: WaitOptions = typeof opts === "number" ? { timeoutMs: opts, everyMs, ...why } : opts;
  const timeoutMs = o.timeoutMs ?? 15_000;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  const fail = async (msg: string) => {
    const diagnose = o.diagnose;
    const d = diagnose ? await Promise.resolve().then(diagnose).catch((e: Error) => `(no diagnosis: ${e.message})`) : "";
    const lastError = last === undefined ? "" : ` (last error: ${last instanceof Error ? last.message : String(last)})`;
    return new Error(`${msg}${lastError}${d ? `\n${d}` : ""}`);
  };
  while (Date.now() < deadline) {
    const stop = o.giveUp?.();
    if (stop) throw await fail(`${stop} while waiting for ${what}`);
    try {
      const v = await fn();
      if (v) return v as Exclude<T, Falsy>;
    } catch (e) {
      last = e;
    }
    await sleep(o.everyMs ?? 20);
  }
  throw await fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
