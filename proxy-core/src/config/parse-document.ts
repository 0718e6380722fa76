// Parsing a bootstrap file (YAML or JSON) without leaving the parser's garbage in the worker's heap.
// For a large route table the YAML library builds a full syntax tree first: ~300 ms and ~25 MB of heap for
// 1,000 routes, pages V8 keeps committed long after the tree is garbage (bench/NOTES.md §5). So JSON documents
// go through JSON.parse, and YAML is parsed on a short-lived worker thread whose isolate, and its heap, is torn
// down when it exits; only the resulting plain document crosses over.
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/** Thrown for a document that is neither valid JSON nor valid YAML; the message is the parser's first line. */
export class DocumentSyntaxError extends Error {}

export async function parseDocument(text: string): Promise<unknown> {
  if (/^\s*\{/.test(text)) {
    try {
      const doc: unknown = JSON.parse(text);
      // JSON.parse keeps the last of duplicate keys; YAML refuses them, with the line: let it report them
      if (!hasDuplicateKeys(text)) return doc;
    } catch {
      // not JSON after all (comments, YAML flow style …): YAML reports it
    }
  }
  return parseYamlIsolated(text);
}

const YAML_WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const YAML = require(workerData.yamlPath);
try { parentPort.postMessage({ ok: true, doc: YAML.parse(workerData.text) }); }
catch (err) { parentPort.postMessage({ ok: false, message: String(err && err.message) }); }
`;

function parseYamlIsolated(text: string): Promise<unknown> {
  const yamlPath = createRequire(import.meta.url).resolve("yaml");
  return new Promise((resolve, reject) => {
    const worker = new Worker(YAML_WORKER, { eval: true, workerData: { text, yamlPath } });
    worker.once("message", (m: { ok: true; doc: unknown } | { ok: false; message: string }) => {
      if (m.ok) resolve(m.doc);
      else reject(new DocumentSyntaxError(m.message));
    });
    worker.once("error", (err) => reject(new DocumentSyntaxError(err.message)));
    worker.once("exit", (code) => reject(new DocumentSyntaxError(`YAML parser exited (${code})`)));
  });
}

/** Whether an object in a JSON text has the same key twice (string contents are skipped, not parsed). */
export function hasDuplicateKeys(text: string): boolean {
  const stack: (Set<string> | null)[] = [];
  const re = /"((?:[^"\\]|\\.)*)"\s*(:)?|[{}[\]]/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const t = m[0];
    if (t === "{") stack.push(new Set());
    else if (t === "[") stack.push(null);
    else if (t === "}" || t === "]") stack.pop();
    else if (m[2] === ":") {
      const keys = stack[stack.length - 1];
      if (!keys) continue;
      if (keys.has(m[1])) return true;
      keys.add(m[1]);
    }
  }
  return false;
}
