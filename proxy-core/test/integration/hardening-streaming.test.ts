// Bodies are streamed, never buffered whole: 200 MiB up and 200 MiB down through a real
// CLI worker (child process) while its RSS, read from the admin /memory endpoint, stays flat.
import { afterEach, describe, expect, it } from "vitest";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { stringify } from "yaml";
import { cluster, listener, request, startUpstream, waitForCliReady } from "./harness";
import { freePort, runCli, type CliProc } from "../fixtures/cli";

const MiB = 1024 * 1024;
const TOTAL = 200 * MiB;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** `total` bytes in 64 KiB chunks, generated as they are read. */
function generated(total: number): Readable {
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  let left = total;
  return new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      const n = Math.min(left, chunk.length);
      left -= n;
      this.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    },
  });
}

describe("streaming", () => {
  it("200 MiB request and response bodies pass through with the worker's RSS flat", async () => {
    const u = await startUpstream((req, res) => {
      if (req.method === "POST") {
        let n = 0;
        req.on("data", (d: Buffer) => (n += d.length));
        req.on("end", () => res.end(String(n)));
      } else {
        res.writeHead(200, { "content-length": String(TOTAL) });
        generated(TOTAL).pipe(res);
      }
    });
    cleanups.push(() => u.close());
    const port = await freePort();
    const admin = await freePort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "proxy-core-stream-"));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, "c.yaml");
    fs.writeFileSync(
      file,
      stringify({
        admin: { address: { socket_address: { address: "127.0.0.1", port_value: admin } } },
        static_resources: { listeners: [listener("main", [{ match: { prefix: "/" }, route: { cluster: "svc", timeout: "0s" } }], { port })], clusters: [cluster("svc", [u.port])] },
      }),
    );
    const p: CliProc = runCli(["-c", file]);
    cleanups.push(() => p.kill());
    await waitForCliReady(p, admin);
    const rss = async () => Number(JSON.parse((await request(admin, "/memory")).body).total_physical_bytes);
    // warm up (JIT, buffers), then take the baseline
    for (let i = 0; i < 3; i++) await request(port, "/warm", { method: "POST", body: Buffer.alloc(4 * MiB) });
    const baseline = await rss();
    let peak = baseline;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await rss());
        await new Promise((r) => setTimeout(r, 100));
      }
    })();

    const up = await new Promise<string>((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port, path: "/upload", method: "POST", agent: false, headers: { "content-length": String(TOTAL) } }, (res) => {
        let b = "";
        res.on("data", (d) => (b += d));
        res.on("end", () => resolve(b));
      });
      req.on("error", reject);
      generated(TOTAL).pipe(req);
    });
    expect(up).toBe(String(TOTAL));

    const down = await new Promise<number>((resolve, reject) => {
      http
        .get({ host: "127.0.0.1", port, path: "/download", agent: false }, (res) => {
          let n = 0;
          res.on("data", (d: Buffer) => (n += d.length));
          res.on("end", () => resolve(n));
        })
        .on("error", reject);
    });
    expect(down).toBe(TOTAL);
    sampling = false;
    await sampler;
    // buffering either body whole would add ≥ 200 MiB; streaming stays within socket/stream buffers
    expect(peak - baseline).toBeLessThan(64 * MiB);
  });
});
