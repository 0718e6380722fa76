// The route tests editor's text ↔ Envoy's route table check tool test file, checked as you type with the schema
// the console checks on save (proxy-core/src/router-check/schema.ts), each problem with its field path and the line
// it is on. Pure.
import { LineCounter, parseDocument, stringify, type Document } from "yaml";
import { parseRouteTests } from "@/proxy-core/src/router-check/schema";

export interface EditorIssue {
  /** 1-based line of the field (or of its nearest enclosing one), null when it has none */
  line: number | null;
  /** the field path, as the server names it (`tests[0].input.method`); "" for the document */
  path: string;
  message: string;
}

export type EditorCheck = { ok: true; doc: Record<string, unknown>; tests: number } | { ok: false; issues: EditorIssue[] };

export const EMPTY_SUITE_TEXT = "tests: []\n";

/** A suite as the editor shows it: YAML, block style, no line folding. */
export function suiteToYaml(doc: unknown): string {
  return stringify(doc, { lineWidth: 0 });
}

/** `tests[0].input["x.y"]` → ["tests", 0, "input", "x.y"] (the inverse of proxy-core's formatPath). */
export function splitPath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  const re = /\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|([^.[\]]+)/g;
  for (let m = re.exec(path); m !== null; m = re.exec(path)) {
    if (m[1] !== undefined) out.push(Number(m[1]));
    else if (m[2] !== undefined) out.push(JSON.parse(m[2]) as string);
    else out.push(m[3]);
  }
  return out;
}

/** The line of the node at `path`, or of its nearest ancestor that exists (a missing field: the object that lacks it). */
function lineOf(doc: Document, lc: LineCounter, path: (string | number)[]): number | null {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) return lc.linePos(range[0]).line;
  }
  return null;
}

/** Checks the editor's text: the document to save (an empty text is `{tests: []}`: no tests), or every problem. */
export function checkSuiteText(text: string): EditorCheck {
  if (!text.trim()) return { ok: true, doc: { tests: [] }, tests: 0 };
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length)
    return { ok: false, issues: doc.errors.map((e) => ({ line: e.linePos?.[0]?.line ?? null, path: "", message: e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "") })) };
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    const message = Array.isArray(value) ? "a list of tests is the route check tool's legacy format: write tests: [...]" : "must be a mapping with tests: [...]";
    return { ok: false, issues: [{ line: 1, path: "", message }] };
  }
  const obj = value as Record<string, unknown>;
  if (Array.isArray(obj.tests) && obj.tests.length === 0) return { ok: true, doc: obj, tests: 0 };
  const r = parseRouteTests(obj);
  if (r.ok) return { ok: true, doc: obj, tests: r.value.tests.length };
  return { ok: false, issues: r.errors.map((e) => ({ line: lineOf(doc, lc, splitPath(e.path)), path: e.path, message: e.message })) };
}

/** "line 4, tests[0].input.method: must be at least 3 characters" */
export function issueText(i: EditorIssue): string {
  return [i.line !== null ? `line ${i.line}` : null, i.path || null].filter(Boolean).join(", ") + (i.line !== null || i.path ? ": " : "") + i.message;
}

/** "66.7%": coverage as the tool prints it, one decimal at most. */
export function percentText(p: number): string {
  return `${Number(p.toFixed(1))}%`;
}
