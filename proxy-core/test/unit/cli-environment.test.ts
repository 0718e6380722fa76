// --environment parsing (cli-options.ts): one name of 1-40 characters of [a-z0-9_-], starting with a letter or digit.
import { describe, expect, it } from "vitest";
import { CliUsageError, parseCliOptions } from "../../src/cli-options";

describe("--environment", () => {
  it("takes a name in either flag spelling; absent means the console's default", () => {
    expect(parseCliOptions(["--control-plane", "ws://x/ws/worker", "--environment", "staging"]).environment).toBe("staging");
    expect(parseCliOptions(["--environment=eu-west_2"]).environment).toBe("eu-west_2");
    expect(parseCliOptions(["--control-plane", "ws://x/ws/worker"]).environment).toBeUndefined();
    expect(parseCliOptions(["--environment", "a".repeat(40)]).environment).toBe("a".repeat(40));
  });

  it("refuses what is not a name, saying what a name is", () => {
    for (const bad of ["Staging", "-x", "_x", "a b", "a/b", "a".repeat(41), ""]) {
      expect(() => parseCliOptions(["--environment", bad]), bad).toThrow(CliUsageError);
      expect(() => parseCliOptions(["--environment", bad]), bad).toThrow(`--environment must be 1 to 40 characters of a-z, 0-9, '-' and '_', starting with a letter or digit, got "${bad}"`);
    }
  });
});
