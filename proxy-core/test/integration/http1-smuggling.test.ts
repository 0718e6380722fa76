// Request smuggling through the worker: framing tricks that make two HTTP/1.1 parsers disagree on where a request
// ends (CL.TE, TE.CL, obfuscated Transfer-Encoding, hidden requests in bodies, odd chunk sizes and terminators).
// The upstream is a raw TCP server with a strict parser (kit/http1-wire.ts), so whatever the worker writes there is
// read exactly once, the RFC 9112 way: the upstream must never see a request the client did not send as a
// separate, well-framed request, whether the bytes arrive in one write or dribbled across many.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { header } from "../kit/http1-wire";
import { h1, req, seen, startH1Rig, type H1Result, type H1Rig } from "./http1-kit";

let rig: H1Rig;
beforeAll(async () => {
  rig = await startH1Rig();
});
afterAll(async () => {
  await rig?.close();
});

const H = "Host: example.test";
const SMUGGLED = req("GET /smuggled HTTP/1.1", [H]);
const chunk = (s: string) => `${s.length.toString(16)}\r\n${s}\r\n`;

interface Scenario {
  name: string;
  bytes: string;
  /** what the upstream may receive: nothing (the worker refuses) or exactly these requests */
  upstream: { method: string; target: string; body: string }[];
}

const scenarios: Scenario[] = [
  {
    name: "CL.TE: Content-Length covers a chunked terminator and a second request",
    bytes: req("POST /clte HTTP/1.1", [H, `Content-Length: ${5 + SMUGGLED.length}`, "Transfer-Encoding: chunked"], `0\r\n\r\n${SMUGGLED}`),
    upstream: [],
  },
  {
    name: "TE.CL: Transfer-Encoding first, a short Content-Length, a request inside the chunk",
    bytes: req("POST /tecl HTTP/1.1", [H, "Transfer-Encoding: chunked", "Content-Length: 4"], `${chunk(SMUGGLED)}0\r\n\r\n`),
    upstream: [],
  },
  {
    name: "TE.TE: `xchunked` (not chunked) with a Content-Length",
    bytes: req("POST /xchunked HTTP/1.1", [H, "Transfer-Encoding: xchunked", "Content-Length: 5"], `0\r\n\r\n${SMUGGLED}`),
    upstream: [],
  },
  {
    name: "TE.TE: `chunked ` (trailing space) with a Content-Length",
    bytes: req("POST /chunked-sp HTTP/1.1", [H, "Transfer-Encoding: chunked ", "Content-Length: 5"], `0\r\n\r\n${SMUGGLED}`),
    upstream: [],
  },
  {
    name: "TE.TE: two Transfer-Encoding fields, chunked then identity",
    bytes: req("POST /two-te HTTP/1.1", [H, "Transfer-Encoding: chunked", "Transfer-Encoding: identity"], `0\r\n\r\n${SMUGGLED}`),
    upstream: [],
  },
  {
    name: "TE.TE: `chunked, chunked`",
    bytes: req("POST /cc HTTP/1.1", [H, "Transfer-Encoding: chunked, chunked"], `0\r\n\r\n${SMUGGLED}`),
    upstream: [],
  },
  {
    name: "TE.TE: whitespace before the colon of Transfer-Encoding, with a Content-Length",
    bytes: req("POST /te-sp HTTP/1.1", [H, "Transfer-Encoding : chunked", "Content-Length: 5"], `0\r\n\r\n${SMUGGLED}`),
    upstream: [],
  },
  {
    name: "TE.TE: a vertical tab before `chunked`, with a Content-Length",
    bytes: req("POST /te-vt HTTP/1.1", [H, "Transfer-Encoding: \x0bchunked", "Content-Length: 5"], `0\r\n\r\n${SMUGGLED}`),
    upstream: [],
  },
  {
    name: "TE.TE: Transfer-Encoding folded onto the request line's next line (obs-fold)",
    bytes: req("POST /te-fold HTTP/1.1", [H, "X-A: 1", " Transfer-Encoding: chunked", "Content-Length: 5"], `0\r\n\r\n${SMUGGLED}`),
    upstream: [],
  },
  {
    name: "TE with HTTP/1.0 and a Content-Length",
    bytes: req("POST /ten HTTP/1.0", [H, "Transfer-Encoding: chunked", "Content-Length: 5"], `0\r\n\r\n${SMUGGLED}`),
    upstream: [],
  },
  {
    name: "Content-Length with a second request hidden in the body: one request, that body",
    bytes: req("POST /hidden HTTP/1.1", [H, `Content-Length: ${SMUGGLED.length}`], SMUGGLED),
    upstream: [{ method: "POST", target: "/hidden", body: SMUGGLED }],
  },
  {
    name: "a GET with a body that looks like a request: one request, that body",
    bytes: req("GET /get-body HTTP/1.1", [H, `Content-Length: ${SMUGGLED.length}`], SMUGGLED),
    upstream: [{ method: "GET", target: "/get-body", body: SMUGGLED }],
  },
  {
    name: "a request hidden in chunk data: one request, that body",
    bytes: req("POST /in-chunk HTTP/1.1", [H, "Transfer-Encoding: chunked"], `${chunk(SMUGGLED)}0\r\n\r\n`),
    upstream: [{ method: "POST", target: "/in-chunk", body: SMUGGLED }],
  },
  {
    name: "two differing Content-Length fields, the shorter first",
    bytes: req("POST /two-cl HTTP/1.1", [H, "Content-Length: 0", `Content-Length: ${SMUGGLED.length}`], SMUGGLED),
    upstream: [],
  },
  {
    name: "a chunk size with a 0x prefix",
    bytes: req("POST /0x HTTP/1.1", [H, "Transfer-Encoding: chunked"], `0x${SMUGGLED.length.toString(16)}\r\n${SMUGGLED}\r\n0\r\n\r\n`),
    upstream: [],
  },
  {
    name: "a chunk size with a + sign",
    bytes: req("POST /plus HTTP/1.1", [H, "Transfer-Encoding: chunked"], `+${SMUGGLED.length.toString(16)}\r\n${SMUGGLED}\r\n0\r\n\r\n`),
    upstream: [],
  },
  {
    name: "a chunk size of 2^64 + 2 (wraps to 2 in a 64-bit parser)",
    bytes: req("POST /wrap HTTP/1.1", [H, "Transfer-Encoding: chunked"], `10000000000000002\r\nok\r\n0\r\n\r\n${SMUGGLED}`),
    upstream: [],
  },
  {
    name: "LF-only chunk terminators (a parser accepting them reads a different body end)",
    bytes: req("POST /lf HTTP/1.1", [H, "Transfer-Encoding: chunked"], `2\nok\n0\n\n${SMUGGLED}`),
    upstream: [],
  },
  {
    name: "chunk data longer than its size",
    bytes: req("POST /long HTTP/1.1", [H, "Transfer-Encoding: chunked"], `2\r\nokGET /smuggled HTTP/1.1\r\n0\r\n\r\n`),
    upstream: [],
  },
  {
    name: "a bare LF inside a chunk extension",
    bytes: req("POST /ext-lf HTTP/1.1", [H, "Transfer-Encoding: chunked"], `2;x\nok\r\n0\r\n\r\n${SMUGGLED}`),
    upstream: [],
  },
  {
    name: "a quoted CRLF inside a chunk extension",
    bytes: req("POST /ext-q HTTP/1.1", [H, "Transfer-Encoding: chunked"], `2;x="a\r\n"\r\nok\r\n0\r\n\r\n${SMUGGLED}`),
    upstream: [],
  },
  {
    name: "a Content-Length in the trailer section",
    bytes: req("POST /trailer-cl HTTP/1.1", [H, "Transfer-Encoding: chunked"], `0\r\nContent-Length: ${SMUGGLED.length}\r\n\r\n${SMUGGLED}`),
    upstream: [],
  },
  {
    name: "a header section ended by LF CRLF",
    bytes: `POST /lfcrlf HTTP/1.1\r\n${H}\r\nContent-Length: 0\n\r\n${SMUGGLED}`,
    upstream: [],
  },
];

/** Every CRLF boundary and a few odd offsets: the framing must not depend on how bytes are segmented. */
function awkwardSplits(bytes: string): number[] {
  const at: number[] = [];
  for (let i = bytes.indexOf("\n"); i >= 0; i = bytes.indexOf("\n", i + 1)) at.push(i, i + 1);
  return [...at, 1, 3, Math.floor(bytes.length / 2)];
}

function expectNoSmuggling(r: H1Result, s: Scenario) {
  expect(r.upstream.map(seen)).toEqual(s.upstream);
  expect(r.upstream.filter((m) => m.target.includes("smuggled"))).toEqual([]);
  expect(rig.u.errors()).toEqual([]);
  if (s.upstream.length === 0) {
    expect(r.statuses).toEqual([400]);
    expect(r.closed).toBe(true);
  } else {
    expect(r.statuses).toEqual(s.upstream.map(() => 200));
    for (const m of r.upstream) expect(header(m, "transfer-encoding") === undefined || header(m, "content-length") === undefined).toBe(true);
  }
}

describe("request smuggling", () => {
  for (const s of scenarios) {
    it(`${s.name} (one write)`, async () => {
      expectNoSmuggling(await h1(rig, s.bytes), s);
    });
    it(`${s.name} (split at every line end)`, async () => {
      expectNoSmuggling(await h1(rig, s.bytes, { splitAt: awkwardSplits(s.bytes), pauseMs: 1 }), s);
    });
  }

  it("a request the client sends after a complete Content-Length: 0 request is its own request, forwarded in order", async () => {
    const r = await h1(rig, req("POST /zero HTTP/1.1", [H, "Content-Length: 0"]) + SMUGGLED, { responses: 2 });
    expect(r.upstream.map(seen)).toEqual([
      { method: "POST", target: "/zero", body: "" },
      { method: "GET", target: "/smuggled", body: "" },
    ]);
  });

  // Envoy forwards header names with underscores by default (headers_with_underscores_action: ALLOW); a backend that
  // maps `_` to `-` would read this as Transfer-Encoding. The worker's framing is the Content-Length.
  it("`Transfer_Encoding` is an ordinary field: framed by Content-Length, forwarded as is", async () => {
    const r = await h1(rig, req("POST /underscore HTTP/1.1", [H, "Transfer_Encoding: chunked", "Content-Length: 5"], `0\r\n\r\n${SMUGGLED}`), { responses: 2 });
    expect(r.upstream.map(seen)).toEqual([
      { method: "POST", target: "/underscore", body: "0\r\n\r\n" },
      { method: "GET", target: "/smuggled", body: "" },
    ]);
    expect(header(r.upstream[0], "transfer_encoding")).toBe("chunked");
    expect(header(r.upstream[0], "content-length")).toBe("5");
  });
});
