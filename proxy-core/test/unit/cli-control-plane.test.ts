// --control-plane parsing (cli-options.ts): one URL or several (comma-separated, or the flag repeated), in order;
// a URL the worker could not dial is refused, naming it.
import { describe, expect, it } from "vitest";
import { CliUsageError, parseCliOptions } from "../../src/cli-options";

describe("--control-plane", () => {
  it("keeps the URLs in the order given, from commas and repeated flags alike", () => {
    expect(parseCliOptions(["--control-plane", "ws://a:3000/ws/worker"]).controlPlane).toEqual(["ws://a:3000/ws/worker"]);
    expect(parseCliOptions(["--control-plane", "ws://a/ws/worker, wss://b/ws/worker"]).controlPlane).toEqual(["ws://a/ws/worker", "wss://b/ws/worker"]);
    expect(parseCliOptions(["--control-plane=ws://a/w", "--control-plane", "ws://b/w,ws://c/w"]).controlPlane).toEqual(["ws://a/w", "ws://b/w", "ws://c/w"]);
    // what the ws client dials as ws:// and wss://
    expect(parseCliOptions(["--control-plane", "https://console.example/ws/worker"]).controlPlane).toEqual(["https://console.example/ws/worker"]);
    expect(parseCliOptions(["-c", "envoy.yaml"]).controlPlane).toBeUndefined();
  });

  it("refuses a value that is not a list of ws:// or wss:// URLs, naming the bad one", () => {
    for (const [value, bad] of [
      ["console:3000", "console:3000"],
      ["ws://a/ws/worker,", ""],
      ["ws://a/ws/worker,,ws://b/ws/worker", ""],
      ["ws://a/ws/worker,ftp://b/x", "ftp://b/x"],
      ["ws://a/ws/worker#frag", "ws://a/ws/worker#frag"],
      ["not a url", "not a url"],
    ]) {
      expect(() => parseCliOptions(["--control-plane", value]), value).toThrow(CliUsageError);
      expect(() => parseCliOptions(["--control-plane", value]), value).toThrow(`got "${bad}"`);
    }
    expect(() => parseCliOptions(["--control-plane", "ws://a/w", "--control-plane", "b:1"])).toThrow('got "b:1"');
  });
});
