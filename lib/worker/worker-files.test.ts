import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LogTail, openLogForSpawn } from "./log-file";
import { readWorkerRecord, removeWorkerRecord, writeWorkerRecord, type WorkerRecord } from "./pid-file";

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "signalbox-worker-files-"))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("worker log", () => {
  it("tails whole lines from an offset, keeps a line cut in two until it ends, and follows a rotation", () => {
    const file = path.join(dir, "worker.log");
    fs.writeFileSync(file, "before\n");
    const { fd, offset } = openLogForSpawn(file);
    expect(offset).toBe(7);
    const lines: string[] = [];
    const tail = new LogTail(file, (l) => lines.push(l), 60_000);
    tail.start(offset);
    fs.writeSync(fd, "one\ntw");
    tail.drain();
    expect(lines).toEqual(["one"]);
    fs.writeSync(fd, "o ✓\n\n");
    tail.drain();
    expect(lines).toEqual(["one", "two ✓"]);
    fs.closeSync(fd);
    fs.renameSync(file, `${file}.1`);
    fs.writeFileSync(file, "fresh\nlast words");
    tail.stop();
    expect(lines).toEqual(["one", "two ✓", "fresh", "last words"]);
  });

  it("moves a log past 10 MB aside when a worker starts", () => {
    const file = path.join(dir, "worker.log");
    fs.writeFileSync(file, Buffer.alloc(10 * 1024 * 1024 + 1, 0x61));
    const { fd, offset } = openLogForSpawn(file);
    fs.closeSync(fd);
    expect(offset).toBe(0);
    expect(fs.statSync(`${file}.1`).size).toBe(10 * 1024 * 1024 + 1);
  });
});

describe("worker pid file", () => {
  const record: WorkerRecord = {
    pid: 4242, nodeId: "local", adminAddress: "127.0.0.1:9901", startedAt: "2026-01-01T00:00:00.000Z", procStart: 12,
    commandLine: ["/usr/bin/node", "/app/proxy-core/bin/proxy-core.mjs", "--node-id", "local"], tokenFingerprint: "0123456789abcdef",
  };

  it("round-trips a record, refuses what is not one, and removes only the record it was asked to", () => {
    const file = path.join(dir, "worker.pid");
    expect(readWorkerRecord(file)).toBeNull();
    writeWorkerRecord(file, record);
    expect(readWorkerRecord(file)).toEqual(record);
    removeWorkerRecord(file, 1234);
    expect(fs.existsSync(file)).toBe(true);
    removeWorkerRecord(file, 4242);
    expect(fs.existsSync(file)).toBe(false);
    fs.writeFileSync(file, "4242\n");
    expect(readWorkerRecord(file)).toEqual({ unreadable: "not a worker record" });
    fs.writeFileSync(file, "{");
    expect(readWorkerRecord(file)).toMatchObject({ unreadable: expect.stringMatching(/^not JSON/) });
  });
});
