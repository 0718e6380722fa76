// scripts/ensure-build.ts in a throwaway root whose node_modules/next is a stand-in `next build` (a real child
// process that takes a moment, prints like next, and writes .next/BUILD_ID or fails): what a first start, a
// current build, a changed source and a failed build print.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ensureBuild } from "../../scripts/ensure-build";

let root: string;
const FAKE_NEXT = `
const fs = require("node:fs");
const mode = JSON.parse(fs.readFileSync("fake-mode.json", "utf8"));
fs.appendFileSync("runs.log", process.argv.slice(2).join(" ") + "\\n");
console.log("   ▲ Next.js (stand-in)");
setTimeout(() => {
  if (mode.fail) {
    console.error("Type error: Property 'x' does not exist");
    process.exit(1);
  }
  fs.mkdirSync(".next", { recursive: true });
  fs.writeFileSync(".next/BUILD_ID", "stand-in");
  console.log("✓ Compiled successfully");
}, mode.ms);
`;

const setMode = (m: { ms: number; fail?: boolean }) => fs.writeFileSync(path.join(root, "fake-mode.json"), JSON.stringify(m));
const runs = () => (fs.existsSync(path.join(root, "runs.log")) ? fs.readFileSync(path.join(root, "runs.log"), "utf8").trim().split("\n").length : 0);

async function run(force = false) {
  const lines: string[] = [];
  const errors: string[] = [];
  const code = await ensureBuild({ root, force, everyMs: 100, log: (l) => lines.push(l), logError: (t) => errors.push(t) });
  return { code, lines, errors };
}

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "signalbox-ensure-build-"));
  fs.mkdirSync(path.join(root, "node_modules/next/dist/bin"), { recursive: true });
  fs.writeFileSync(path.join(root, "node_modules/next/dist/bin/next"), FAKE_NEXT);
  fs.mkdirSync(path.join(root, "app"));
  fs.writeFileSync(path.join(root, "app/page.tsx"), "export default function Page() { return null; }\n");
});

afterAll(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

it("says a first start is building, how long it has taken every interval, and when it is done; next's own output is kept back", async () => {
  setMode({ ms: 450 });
  const { code, lines, errors } = await run();
  expect(code).toBe(0);
  expect(lines[0]).toBe("[build] building the console (first start, about a minute on 2 cores)…");
  const progress = lines.filter((l) => /^\[build\] still building… \d+ s$/.test(l));
  expect(progress.length).toBeGreaterThanOrEqual(2);
  expect(lines[lines.length - 1]).toMatch(/^\[build\] built in \d+ s$/);
  expect(lines.join("\n")).not.toContain("Next.js");
  expect(errors).toEqual([]);
  expect(runs()).toBe(1);
});

it("prints nothing and runs nothing when the build is current", async () => {
  setMode({ ms: 0 });
  const { code, lines, errors } = await run();
  expect({ code, lines, errors }).toEqual({ code: 0, lines: [], errors: [] });
  expect(runs()).toBe(1);
});

it("names the source that changed since the last build", async () => {
  const later = new Date(Date.now() + 5_000);
  fs.utimesSync(path.join(root, "app/page.tsx"), later, later);
  setMode({ ms: 0 });
  const { code, lines } = await run();
  expect(code).toBe(0);
  expect(lines[0]).toBe(`[build] building the console (${path.join("app", "page.tsx")} changed since the last build, about a minute on 2 cores)…`);
  expect(runs()).toBe(2);
});

it("shows next's output and the exit when the build fails, and answers its exit code", async () => {
  setMode({ ms: 0, fail: true });
  const { code, lines, errors } = await run(true);
  expect(code).toBe(1);
  expect(lines[0]).toBe("[build] building the console (--force, about a minute on 2 cores)…");
  expect(errors.join("\n")).toContain("Type error: Property 'x' does not exist");
  expect(errors[errors.length - 1]).toMatch(/^\[build\] next build failed after \d+ s \(exit 1\)$/);
});
