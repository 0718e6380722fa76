import { describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { Logger, parseLogLevel } from "../../src/log/logger";
import { StatsStore } from "../../src/stats/store";

/** A stand-in for process.stderr: records lines, or fails every write the way a pipe with no reader does. */
function fakeStream(opts: { epipe?: boolean } = {}) {
  const lines: string[] = [];
  let attempts = 0;
  const stream = new Writable({
    write(chunk, _enc, cb) {
      attempts++;
      if (opts.epipe) return cb(Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
      lines.push(String(chunk));
      cb();
    },
  });
  return { stream: stream as unknown as NodeJS.WriteStream, lines, attempts: () => attempts };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("Logger", () => {
  it("writes `<ISO time> proxy-core: [level] msg` at or above its level; info lines carry no level", () => {
    const err = fakeStream();
    const logger = new Logger({ stdout: fakeStream().stream, stderr: err.stream });
    logger.level = "warn";
    logger.info("hidden");
    logger.debug("hidden");
    logger.warn("careful");
    logger.error("broken");
    logger.level = "info";
    logger.prefixed("[worker 7] ").info("up");
    expect(err.lines).toHaveLength(3);
    expect(err.lines[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z proxy-core: \[warning\] careful\n$/);
    expect(err.lines[1]).toMatch(/ proxy-core: \[error\] broken\n$/);
    expect(err.lines[2]).toMatch(/Z proxy-core: \[worker 7\] up\n$/);
    logger.level = "off";
    logger.critical("nothing");
    expect(err.lines).toHaveLength(3);
  });

  it("takes Envoy's level names, warning and warn alike", () => {
    expect(["trace", "debug", "info", "warning", "warn", "error", "critical", "off"].map(parseLogLevel)).toEqual(["trace", "debug", "info", "warn", "warn", "error", "critical", "off"]);
    expect(parseLogLevel("verbose")).toBeNull();
  });

  it("a failing stderr (EPIPE) is never thrown or re-emitted, never written again, and every line is counted", async () => {
    const err = fakeStream({ epipe: true });
    const logger = new Logger({ stdout: fakeStream().stream, stderr: err.stream });
    const store = new StatsStore();
    logger.warn("before the counter exists");
    await tick();
    logger.countDropsIn(store.counter("server.log_dropped_lines"));
    for (let i = 0; i < 100; i++) logger.error(`line ${i}`);
    await tick();
    // one write found the pipe dead; nothing was attempted after it
    expect(err.attempts()).toBe(1);
    expect(logger.dropped).toBe(101);
    expect(store.counter("server.log_dropped_lines").value).toBe(101);
  });

  it("--log-path: appends to the file; once closed, lines are dropped and counted, not thrown", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "proxy-core-logger-")), "log");
    fs.writeFileSync(file, "earlier\n");
    const err = fakeStream();
    const logger = new Logger({ stdout: fakeStream().stream, stderr: err.stream });
    logger.logToFile(file);
    logger.info("to the file");
    expect(fs.readFileSync(file, "utf8")).toMatch(/^earlier\n.* proxy-core: to the file\n$/);
    expect(err.lines).toEqual([]);
    logger.close();
    logger.info("after close");
    expect(logger.dropped).toBe(1);
    expect(() => new Logger().logToFile(path.join(file, "not-a-dir", "x"))).toThrow();
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });
});
