// Runs wrk pinned to the load core and parses the JSON line written by bench/report.lua.
import { execFile } from "node:child_process";
import path from "node:path";

export interface WrkResult {
  rps: number;
  requests: number;
  errors: number;
  non2xx: number;
  p50: number; // microseconds
  p90: number;
  p99: number;
  p999: number;
}

const REPORT = path.join(import.meta.dirname, "..", "report.lua");

export function runWrk(opts: { url: string; connections: number; seconds: number; /** a core or a taskset list such as "0,1" */ core: number | string; threads?: number; script?: string; headers?: Record<string, string> }): Promise<WrkResult> {
  const threads = Math.min(opts.threads ?? 1, opts.connections);
  const args = ["-c", String(opts.core), "wrk", "-t", String(threads), "-c", String(opts.connections), "-d", `${opts.seconds}s`, "--timeout", "5s", "-s", opts.script ?? REPORT];
  for (const [k, v] of Object.entries(opts.headers ?? {})) args.push("-H", `${k}: ${v}`);
  args.push(opts.url);
  return new Promise((resolve, reject) => {
    execFile("taskset", args, { timeout: (opts.seconds + 30) * 1000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`wrk failed: ${err.message}\n${stderr}`));
      const line = stdout.split("\n").find((l) => l.startsWith("BENCH_JSON "));
      if (!line) return reject(new Error(`wrk printed no report:\n${stdout}\n${stderr}`));
      const j = JSON.parse(line.slice("BENCH_JSON ".length));
      const errors = j.connect_errors + j.read_errors + j.write_errors + j.timeouts;
      resolve({
        rps: j.requests / (j.duration_us / 1e6),
        requests: j.requests,
        errors,
        non2xx: j.non2xx,
        p50: j.p50,
        p90: j.p90,
        p99: j.p99,
        p999: j.p999,
      });
    });
  });
}
