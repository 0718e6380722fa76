import { describe, expect, it } from "vitest";
import type { BundledWorkerStatus } from "@/components/queries/types";
import { describeExit, secondsUntil, workerTrouble } from "./bundled-worker-state";

const base: BundledWorkerStatus = {
  state: "running", nodeId: "local", pid: 42, adminAddress: "127.0.0.1:9901", startedAt: null, since: null,
  restarts: 0, lastExit: null, lastError: null, nextAttemptAt: null, logFile: "/data/worker.log",
};

describe("bundled worker display", () => {
  it("stays out of the header while the worker serves, or when there is none", () => {
    for (const state of ["running", "adopted", "off"] as const) expect(workerTrouble({ ...base, state })).toBeNull();
    expect(workerTrouble(undefined)).toBeNull();
  });

  it("turns the header red while restarting and amber while starting", () => {
    expect(workerTrouble({ ...base, state: "restarting" })).toEqual({ tone: "red", label: "worker local restarting" });
    expect(workerTrouble({ ...base, state: "starting" })).toEqual({ tone: "amber", label: "worker local starting" });
  });

  it("describes exits and countdowns", () => {
    expect(describeExit({ at: "", code: 1, signal: null })).toBe("code 1");
    expect(describeExit({ at: "", code: null, signal: "SIGKILL" })).toBe("SIGKILL");
    expect(describeExit({ at: "", code: null, signal: null })).toBe("exit status unknown");
    expect(secondsUntil("1970-01-01T00:00:02.500Z", 0)).toBe(3);
    expect(secondsUntil("1970-01-01T00:00:00.000Z", 5000)).toBe(0);
    expect(secondsUntil(null)).toBeNull();
  });
});
