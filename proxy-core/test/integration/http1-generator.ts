// Seeded HTTP/1.1 request streams for the differential test (http1-differential.test.ts): a valid request built from
// parts (method, target, version, fields, a body framed by Content-Length or chunks), then up to three mutations
// (drop, duplicate or garble a field line, switch line endings, change the length, add Transfer-Encoding variants,
// insert control bytes, fold a line, vary method, target and version, append a second request or garbage), then
// random split points. Every request line is followed by `x-case: <id>`, which no mutation touches, so what the
// upstream receives can be traced back to its stream.

/** mulberry32: a small deterministic PRNG (32-bit state), enough for test data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GenCase {
  id: number;
  bytes: Buffer;
  splitAt: number[];
  /** the mutations applied, for the failure report */
  mutations: string[];
}

type Rng = () => number;
const int = (r: Rng, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[int(r, xs.length)];

const METHODS = ["GET", "GET", "GET", "POST", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PURGE", "PROPFIND", "TRACE"] as const;
const ODD_METHODS = ["get", "Post", "FOO", "M-SEARCH", "GET\t", "G ET", "", "CONNECTX"] as const;
const TARGETS = ["/", "/a", "/a/b/c", "/search?q=1&r=two", "/p%20q%2Fr", "/x/./y/../z", "/u?x=%41%42", "/~user/file.txt", "/a;param=1", "/with:colon@at!$&'()*+,;="] as const;
const ODD_TARGETS = ["/a#frag", "/a b", "*", "http://example.test/abs", "//double", "/a\x7fb", "/a\x01", "/caf\xe9", "/%zz", ""] as const;
const VERSIONS = ["HTTP/1.0", "HTTP/2.0", "HTTP/1.2", "HTTP/0.9", "HTTP/1.1 ", "http/1.1", "HTTP/11", ""] as const;
const FIELD_NAMES = ["Accept", "User-Agent", "X-Trace", "Cookie", "Cache-Control", "X-Long-Name-With-Dashes", "If-None-Match", "Authorization", "Accept-Language"] as const;
const TE_VARIANTS = ["chunked", "chunked ", " chunked", "Chunked", "xchunked", "gzip", "gzip, chunked", "chunked, gzip", "identity", "chunked, chunked", "chunked\t", ",chunked", "\x0bchunked"] as const;
const CL_VARIANTS = ["-1", "+3", "3x", "", " ", "0x10", "1e3", "00000000000000000000001", "18446744073709551617", "3, 3", "3,4"] as const;
const CTL = [0x00, 0x01, 0x08, 0x0b, 0x0c, 0x0d, 0x0a, 0x1b, 0x7f, 0x80, 0xff, 0x09, 0x20] as const;
const ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

function word(r: Rng, min: number, max: number): string {
  let s = "";
  const n = min + int(r, max - min + 1);
  for (let i = 0; i < n; i++) s += ALNUM[int(r, ALNUM.length)];
  return s;
}

interface Parts {
  line: [string, string, string];
  fields: string[];
  /** the body bytes after the head, already framed */
  body: string;
  /** a second request appended after the first */
  tail: string;
  eol: string;
}

function chunked(r: Rng, data: string): string {
  let out = "";
  let at = 0;
  while (at < data.length) {
    const n = 1 + int(r, Math.max(1, data.length - at));
    const ext = r() < 0.15 ? `;ext${int(r, 9)}=${word(r, 1, 4)}` : "";
    out += `${n.toString(16)}${ext}\r\n${data.slice(at, at + n)}\r\n`;
    at += n;
  }
  return `${out}0\r\n${r() < 0.2 ? `X-Trailer: ${word(r, 1, 6)}\r\n` : ""}\r\n`;
}

function base(r: Rng, id: number): Parts {
  const method = pick(r, METHODS);
  const fields = [`x-case: ${id}`, `Host: ${r() < 0.9 ? "example.test" : `h${int(r, 9)}.test:8080`}`];
  for (let i = int(r, 5); i > 0; i--) fields.push(`${pick(r, FIELD_NAMES)}: ${word(r, 0, 24)}${r() < 0.1 ? " with spaces" : ""}`);
  if (r() < 0.1) fields.push(`Connection: ${pick(r, ["keep-alive", "close", "X-Hop, keep-alive"])}`, "X-Hop: dropped");
  if (r() < 0.01) fields.push(`X-Big: ${"b".repeat(55 * 1024 + int(r, 10 * 1024))}`);
  let body = "";
  const data = r() < 0.1 ? "" : word(r, 1, r() < 0.1 ? 3000 : 40);
  const framing = method === "GET" || method === "DELETE" || method === "OPTIONS" || method === "TRACE" ? (r() < 0.15 ? "cl" : "none") : pick(r, ["cl", "cl", "chunked", "none"] as const);
  if (framing === "cl") {
    fields.push(`Content-Length: ${data.length}`);
    body = data;
  } else if (framing === "chunked") {
    fields.push("Transfer-Encoding: chunked");
    body = chunked(r, data);
  }
  return { line: [method, pick(r, TARGETS), "HTTP/1.1"], fields, body, tail: "", eol: "\r\n" };
}

/** A field line index a mutation may touch: never the x-case tag (index 0). */
const fieldIndex = (r: Rng, p: Parts) => (p.fields.length > 1 ? 1 + int(r, p.fields.length - 1) : -1);

const MUTATIONS: Record<string, (r: Rng, p: Parts, id: number) => void> = {
  drop: (r, p) => {
    const i = fieldIndex(r, p);
    if (i > 0) p.fields.splice(i, 1);
  },
  duplicate: (r, p) => {
    const i = fieldIndex(r, p);
    if (i > 0) p.fields.splice(i, 0, p.fields[i]);
  },
  garble: (r, p) => {
    const i = fieldIndex(r, p);
    if (i <= 0) return;
    const f = p.fields[i];
    const at = int(r, f.length + 1);
    const what = pick(r, [":", " ", "\t", "", "\r", "\n", "\x00", "_", "é", "\\"]);
    p.fields[i] = r() < 0.5 ? f.slice(0, at) + what + f.slice(at) : f.slice(0, at) + what + f.slice(at + 1);
  },
  lineEndings: (r, p) => {
    const eol = pick(r, ["\n", "\r", "\n\r", "\r\r\n", "\r\n\r"]);
    if (r() < 0.5) p.eol = eol;
    else {
      const i = fieldIndex(r, p);
      if (i > 0) p.fields[i] += eol.replace(/\r\n$/, "");
    }
  },
  contentLength: (r, p) => {
    const i = p.fields.findIndex((f) => /^content-length:/i.test(f));
    const current = i >= 0 ? Number(p.fields[i].split(":")[1]) : 0;
    const value = r() < 0.6 ? String(Math.max(0, current + pick(r, [-3, -1, 1, 4, 100]))) : pick(r, CL_VARIANTS);
    if (i >= 0 && r() < 0.7) p.fields[i] = `Content-Length: ${value}`;
    else p.fields.push(`${pick(r, ["Content-Length", "content-length", "Content-length "])}: ${value}`);
  },
  transferEncoding: (r, p) => {
    p.fields.push(`${pick(r, ["Transfer-Encoding", "transfer-encoding", "Transfer-Encoding ", "Transfer_Encoding"])}: ${pick(r, TE_VARIANTS)}`);
    if (r() < 0.5 && !p.body.endsWith("0\r\n\r\n")) p.body = chunked(r, p.body);
  },
  controlByte: (r, p) => {
    const i = fieldIndex(r, p);
    if (i <= 0) return;
    const f = p.fields[i];
    const colon = f.indexOf(":");
    const at = colon < 0 ? int(r, f.length + 1) : colon + 1 + int(r, f.length - colon);
    p.fields[i] = f.slice(0, at) + String.fromCharCode(pick(r, CTL)) + f.slice(at);
  },
  fold: (r, p) => {
    const i = fieldIndex(r, p);
    if (i > 0) p.fields.splice(i + 1, 0, `${pick(r, [" ", "\t"])}${word(r, 1, 8)}`);
  },
  method: (r, p) => {
    p.line[0] = pick(r, ODD_METHODS);
  },
  target: (r, p) => {
    p.line[1] = pick(r, ODD_TARGETS);
  },
  version: (r, p) => {
    p.line[2] = pick(r, VERSIONS);
  },
  secondRequest: (r, p, id) => {
    const body = word(r, 0, 12);
    p.tail = `${pick(r, ["GET", "POST"])} /second HTTP/1.1\r\nx-case: ${id}\r\nHost: example.test\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
  },
  garbageTail: (r, p) => {
    p.tail = pick(r, ["\r\n", "\r\n\r\n", "0\r\n\r\n", "X", "GET", " / HTTP/1.1\r\n\r\n", "\x16\x03\x01"]);
  },
  truncate: (r, p) => {
    if (p.body.length > 0) p.body = p.body.slice(0, int(r, p.body.length));
  },
};
const NAMES = Object.keys(MUTATIONS);

/** The `id`-th stream of the run seeded `seed`: independent of every other case, so one case can be replayed alone. */
export function genCase(seed: number, id: number): GenCase {
  const r = prng((seed ^ Math.imul(id + 1, 0x9e3779b1)) >>> 0);
  const p = base(r, id);
  const mutations: string[] = [];
  if (r() >= 0.3) for (let n = 1 + int(r, 3); n > 0; n--) mutations.push(pick(r, NAMES));
  for (const m of mutations) MUTATIONS[m](r, p, id);
  const line = p.line[2] === "" ? `${p.line[0]} ${p.line[1]}` : p.line.join(" ");
  const text = `${line}${p.eol}${p.fields.map((f) => `${f}${p.eol}`).join("")}${p.eol}${p.body}${p.tail}`;
  const bytes = Buffer.from(text, "latin1");
  const splitAt = Array.from({ length: int(r, 4) }, () => 1 + int(r, Math.max(1, bytes.length - 1)));
  return { id, bytes, splitAt, mutations };
}
