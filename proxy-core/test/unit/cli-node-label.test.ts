// --node-label parsing (cli-options.ts): repeatable KEY=VALUE pairs, each part 1-63 characters of [A-Za-z0-9._-].
import { describe, expect, it } from "vitest";
import { CliUsageError, parseCliOptions } from "../../src/cli-options";

describe("--node-label", () => {
  it("collects repeated pairs, in either flag spelling; a later value for a key wins", () => {
    const o = parseCliOptions(["--control-plane", "ws://x/ws/worker", "--node-label", "zone=eu-1", "--node-label=tier=edge", "--node-label", "zone=eu_2.b"]);
    expect(o.nodeLabels).toEqual({ zone: "eu_2.b", tier: "edge" });
    expect(parseCliOptions(["--control-plane", "ws://x/ws/worker"]).nodeLabels).toBeUndefined();
  });

  it("refuses a pair that is not KEY=VALUE of the allowed characters", () => {
    for (const bad of ["zone", "zone=", "=eu", "zone=eu west", "zo/ne=a", `k=${"v".repeat(64)}`, "a=b=c"]) {
      expect(() => parseCliOptions(["--node-label", bad]), bad).toThrow(CliUsageError);
      expect(() => parseCliOptions(["--node-label", bad]), bad).toThrow(`got "${bad}"`);
    }
    expect(parseCliOptions(["--node-label", `k=${"v".repeat(63)}`]).nodeLabels).toEqual({ k: "v".repeat(63) });
  });
});
