// HTTP/1.1 request conformance through the worker (RFC 9112, and Envoy's HTTP/1 codec where it is stricter): raw
// bytes in, and for each vector the status the client gets, whether the connection closes, and for accepted
// requests what the upstream receives on the wire (method, target, body; hop-by-hop headers gone). Any downstream
// codec must pass these; `it.fails` marks where today's node:http codec differs from Envoy's, with the reason.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { header } from "../kit/http1-wire";
import { forwardedHopByHop, h1, req, seen, startH1Rig, type H1Result, type H1Rig } from "./http1-kit";

let rig: H1Rig;
beforeAll(async () => {
  rig = await startH1Rig();
});
afterAll(async () => {
  await rig?.close();
});

const H = "Host: example.test";

/** A refused request: one 400 and the connection closed, nothing upstream. */
function expectRefused(r: H1Result, status = 400) {
  expect(r.statuses).toEqual([status]);
  expect(r.closed).toBe(true);
  expect(r.upstream).toEqual([]);
}

/** One accepted request: one 200 on a connection left open, and exactly `up` at the upstream. */
function expectForwarded(r: H1Result, up: { method: string; target: string; body: string }) {
  expect(r.statuses).toEqual([200]);
  expect(r.upstream.map(seen)).toEqual([up]);
  expect(forwardedHopByHop(r.upstream[0])).toEqual([]);
}

describe("content-length", () => {
  it("a valid Content-Length frames the body exactly; the connection stays open", async () => {
    const r = await h1(rig, req("POST /cl HTTP/1.1", [H, "Content-Length: 5"], "hello"));
    expectForwarded(r, { method: "POST", target: "/cl", body: "hello" });
    expect(r.closed).toBe(false);
    expect(header(r.upstream[0], "content-length")).toBe("5");
  });

  it("leading zeros are the same length (1*DIGIT); the upstream gets it normalised", async () => {
    const r = await h1(rig, req("POST /cl0 HTTP/1.1", [H, "Content-Length: 0005"], "hello"));
    expectForwarded(r, { method: "POST", target: "/cl0", body: "hello" });
    expect(header(r.upstream[0], "content-length")).toBe("5");
  });

  for (const [name, fields] of [
    ["two equal Content-Length fields", ["Content-Length: 5", "Content-Length: 5"]],
    ["two different Content-Length fields", ["Content-Length: 5", "Content-Length: 6"]],
    ["a list value `5, 5`", ["Content-Length: 5, 5"]],
    ["a negative length", ["Content-Length: -5"]],
    ["a sign (`+5`)", ["Content-Length: +5"]],
    ["trailing garbage (`5x`)", ["Content-Length: 5x"]],
    ["an empty value", ["Content-Length: "]],
    ["a length beyond 2^64", ["Content-Length: 99999999999999999999999"]],
  ] as const)
    it(`${name} → 400 and close`, async () => {
      expectRefused(await h1(rig, req("POST /bad-cl HTTP/1.1", [H, ...fields], "hello")));
    });
});

describe("transfer-encoding", () => {
  it("chunked with chunk extensions: extensions dropped, body de-chunked", async () => {
    const r = await h1(rig, req("POST /ext HTTP/1.1", [H, "Transfer-Encoding: chunked"], '3;name=val\r\nabc\r\n2;q="x y"\r\nde\r\n0;last\r\n\r\n'));
    expectForwarded(r, { method: "POST", target: "/ext", body: "abcde" });
  });

  it("chunked with a trailer section: the body arrives, the connection stays usable", async () => {
    const r = await h1(rig, req("POST /trailers HTTP/1.1", [H, "Transfer-Encoding: chunked", "Trailer: X-Sum"], "4\r\nwxyz\r\n0\r\nX-Sum: 42\r\n\r\n") + req("GET /next HTTP/1.1", [H]), {
      responses: 2,
    });
    expect(r.statuses).toEqual([200, 200]);
    expect(r.upstream.map(seen)).toEqual([
      { method: "POST", target: "/trailers", body: "wxyz" },
      { method: "GET", target: "/next", body: "" },
    ]);
    expect(forwardedHopByHop(r.upstream[0])).toEqual([]);
  });

  it("coding names are case-insensitive and OWS around them is not part of the value", async () => {
    const r = await h1(rig, req("POST /upper HTTP/1.1", [H, "Transfer-Encoding:\t CHUNKED  "], "2\r\nok\r\n0\r\n\r\n"));
    expectForwarded(r, { method: "POST", target: "/upper", body: "ok" });
  });

  // OWS includes HTAB (RFC 9110 §5.6.3), but llhttp compares "chunked\t" as a different coding and refuses the
  // request: stricter than needed, never a second reading of the framing, so pinned as it is
  it("a trailing HTAB after `chunked` → 400 and close (stricter than RFC 9110, safe)", async () => {
    expectRefused(await h1(rig, req("POST /tab HTTP/1.1", [H, "Transfer-Encoding: chunked\t"], "2\r\nok\r\n0\r\n\r\n")));
  });

  for (const [name, te, body] of [
    ["`chunked` not the final coding", "chunked, gzip", "2\r\nok\r\n0\r\n\r\n"],
    ["a chunk size beyond 64 bits", "chunked", "1ffffffffffffffff\r\nok\r\n0\r\n\r\n"],
    ["a chunk size that is not hex", "chunked", "zz\r\nok\r\n0\r\n\r\n"],
  ] as const)
    it(`${name} → 400 and close`, async () => {
      expectRefused(await h1(rig, req("POST /bad-te HTTP/1.1", [H, `Transfer-Encoding: ${te}`], body)));
    });

  // Envoy decodes no transfer-coding but `chunked` alone: anything else is 501 (codec_impl.cc,
  // http1.invalid_transfer_encoding), before a byte of the body is read
  for (const [name, te, body] of [
    ["an unknown coding alone (no length can be determined)", "gzip", "ok"],
    ["`identity` (no longer a registered coding)", "identity", "ok"],
  ] as const)
    it(`${name} → 501 and close`, async () => {
      expectRefused(await h1(rig, req("POST /bad-te HTTP/1.1", [H, `Transfer-Encoding: ${te}`], body)), 501);
    });

  it("Content-Length together with Transfer-Encoding → 400 and close (RFC 9112 §6.1: a server may, Envoy does)", async () => {
    expectRefused(await h1(rig, req("POST /clte HTTP/1.1", [H, "Transfer-Encoding: chunked", "Content-Length: 2"], "2\r\nok\r\n0\r\n\r\n")));
  });

  // Envoy's HTTP/1 codec answers 501 to any Transfer-Encoding other than exactly `chunked`; node:http accepts
  // `gzip, chunked`, de-chunks, and the worker forwards the still gzip-coded bytes as a plain body (the coding is
  // dropped with the hop-by-hop header), so the upstream reads bytes it cannot know are compressed.
  it("a coding before `chunked` (`gzip, chunked`) is refused (Envoy: 501), not forwarded as a plain body", async () => {
    expectRefused(await h1(rig, req("POST /gz HTTP/1.1", [H, "Transfer-Encoding: gzip, chunked"], "2\r\nok\r\n0\r\n\r\n")), 501);
  });
});

describe("invalid messages", () => {
  for (const [name, bytes] of [
    ["bare LF line endings", "GET /lf HTTP/1.1\nHost: x\n\n"],
    ["one bare LF between field lines", "GET /lf HTTP/1.1\r\nHost: x\nX-A: 1\r\n\r\n"],
    ["obs-fold (a field line continued on the next)", req("GET /fold HTTP/1.1", [H, "X-A: one", " two"])],
    ["whitespace between field name and colon", req("GET /sp HTTP/1.1", [H, "X-A : 1"])],
    ["a control character (SOH) in a field value", req("GET /ctl HTTP/1.1", [H, "X-A: a\x01b"])],
    ["NUL in a field value", req("GET /nul HTTP/1.1", [H, "X-A: a\x00b"])],
    ["DEL in a field value", req("GET /del HTTP/1.1", [H, "X-A: a\x7fb"])],
    ["a bare CR in a field value", req("GET /cr HTTP/1.1", [H, "X-A: a\rb"])],
    ["a field line without a colon", req("GET /nocolon HTTP/1.1", [H, "X-A 1"])],
    ["an unknown major version (HTTP/9.1)", req("GET /v9 HTTP/9.1", [H])],
  ] as const)
    it(`${name} → 400 and close`, async () => {
      expectRefused(await h1(rig, bytes));
    });

  it("HTTP/1.1 without Host → 400 and close (RFC 9112 §3.2)", async () => {
    const r = await h1(rig, req("GET /nohost HTTP/1.1"));
    expect(r.statuses).toEqual([400]);
    expect(r.closed).toBe(true);
    expect(r.upstream).toEqual([]);
  });

  it("obs-text (bytes 0x80-0xFF) in a field value is allowed and reaches the upstream byte for byte", async () => {
    const r = await h1(rig, req("GET /obs HTTP/1.1", [H, "X-Name: caf\xe9 \xff"]));
    expectForwarded(r, { method: "GET", target: "/obs", body: "" });
    expect(header(r.upstream[0], "x-name")).toBe("caf\xe9 \xff");
  });

  // RFC 9112 §3.2: a server MUST answer 400 to a request with more than one Host field. node:http passes both,
  // undici refuses to send them (UND_ERR_INVALID_ARG) and the worker answers 503 as if the upstream had failed.
  it("two Host fields → 400 (not a 503 blamed on the upstream)", async () => {
    const r = await h1(rig, req("GET /twohost HTTP/1.1", ["Host: a.test", "Host: b.test"]));
    expect(r.statuses).toEqual([400]);
  });

  // A request line without a version is an HTTP/0.9 request, which Envoy's codec refuses; node's parser (llhttp)
  // takes it as HTTP/0.9 and the worker forwards it.
  it("a request line without an HTTP version is refused", async () => {
    const r = await h1(rig, "GET /novers\r\nHost: x\r\n\r\n");
    expect(r.statuses[0]).toBeGreaterThanOrEqual(400);
    expect(r.upstream).toEqual([]);
  });

  // An HTTP/2 request line on an HTTP/1 connection: RFC 9110 §15.6.6 (505) / Envoy's codec refuses the version;
  // llhttp accepts any single-digit major.minor and the worker forwards it as HTTP/1.1.
  it("an `HTTP/2.0` request line is refused (505 or 400), not forwarded", async () => {
    const r = await h1(rig, req("GET /v2 HTTP/2.0", [H]));
    expect(r.statuses[0]).toBeGreaterThanOrEqual(400);
    expect(r.upstream).toEqual([]);
  });
});

describe("pipelining", () => {
  it("three requests in one write, a body-bearing one in the middle: answered in order, each forwarded once", async () => {
    const bytes = req("GET /p1 HTTP/1.1", [H]) + req("PUT /p2 HTTP/1.1", [H, "Content-Length: 7"], "payload") + req("DELETE /p3 HTTP/1.1", [H]);
    const r = await h1(rig, bytes, { responses: 3 });
    expect(r.statuses).toEqual([200, 200, 200]);
    expect(r.upstream.map(seen)).toEqual([
      { method: "GET", target: "/p1", body: "" },
      { method: "PUT", target: "/p2", body: "payload" },
      { method: "DELETE", target: "/p3", body: "" },
    ]);
  });

  it("the same three requests dribbled a few bytes at a time arrive the same", async () => {
    const bytes = req("GET /d1 HTTP/1.1", [H]) + req("POST /d2 HTTP/1.1", [H, "Transfer-Encoding: chunked"], "3\r\nabc\r\n0\r\n\r\n") + req("GET /d3 HTTP/1.1", [H]);
    const splitAt = Array.from({ length: Math.floor(bytes.length / 7) }, (_, i) => (i + 1) * 7);
    const r = await h1(rig, bytes, { responses: 3, splitAt, pauseMs: 1 });
    expect(r.statuses).toEqual([200, 200, 200]);
    expect(r.upstream.map(seen)).toEqual([
      { method: "GET", target: "/d1", body: "" },
      { method: "POST", target: "/d2", body: "abc" },
      { method: "GET", target: "/d3", body: "" },
    ]);
  });
});

describe("pipelining, serially", () => {
  let slow: H1Rig;
  const arrived = new Map<string, number>();
  beforeAll(async () => {
    slow = await startH1Rig({}, { delayMs: (m) => (m.target === "/slow" ? 400 : 0), onRequest: (m) => arrived.set(m.target, Date.now()) });
  });
  afterAll(async () => {
    await slow?.close();
  });

  // Envoy's HTTP/1 codec pauses its parser after each request and the HCM takes the next only once the response
  // is complete, so pipelined requests reach the upstream one after another, in order. node:http emits them all at
  // once and the worker dispatches them on separate upstream connections: a pipelined PUT then GET can be
  // reordered at the upstream. The client still gets its responses in order.
  it("the next pipelined request is forwarded only after the previous response", async () => {
    const r = await h1(slow, req("GET /slow HTTP/1.1", [H]) + req("GET /fast HTTP/1.1", [H]), { responses: 2, idleMs: 2000 });
    expect(r.statuses).toEqual([200, 200]);
    expect(arrived.get("/fast")! - arrived.get("/slow")!).toBeGreaterThanOrEqual(350);
  });

  // RFC 9112 §9.6: after a request with `close` the server reads no further requests. Envoy stops reading; llhttp
  // reports the bytes after it as an error (HPE_CLOSED_CONNECTION), and the worker's clientError handler answers
  // 400 and closes before the first request's response arrives: the upstream has served GET /last, the client
  // gets a 400 for it.
  it("bytes pipelined after a `Connection: close` request are ignored; that request still gets its 200", async () => {
    const r = await h1(rig, req("GET /last HTTP/1.1", [H, "Connection: close"]) + req("DELETE /after-close HTTP/1.1", [H]));
    expect(r.statuses).toEqual([200]);
    expect(r.upstream.map((m) => m.target)).toEqual(["/last"]);
  });

  // node:http answers a Host-less HTTP/1.1 request with its own 400 + `Connection: close`, yet keeps parsing and
  // emitting the requests pipelined after it: the worker forwards them, and nobody reads their responses
  it("requests pipelined after a request refused for its missing Host never reach the upstream", async () => {
    const r = await h1(rig, req("GET /nohost HTTP/1.1") + req("DELETE /after-400 HTTP/1.1", [H]));
    expect(r.statuses).toEqual([400]);
    expect(r.upstream).toEqual([]);
  });
});

describe("connection management", () => {
  it("Connection: close → the response says close and the worker closes", async () => {
    const r = await h1(rig, req("GET /close HTTP/1.1", [H, "Connection: close"]));
    expect(r.statuses).toEqual([200]);
    expect(header(r.responses[0], "connection")).toBe("close");
    expect(r.closed).toBe(true);
  });

  it("HTTP/1.0 closes by default; with Connection: keep-alive it stays open", async () => {
    const plain = await h1(rig, req("GET /ten HTTP/1.0", [H]));
    expect(plain.statuses).toEqual([200]);
    expect(plain.closed).toBe(true);
    expect(plain.upstream.map(seen)).toEqual([{ method: "GET", target: "/ten", body: "" }]);
    const ka = await h1(rig, req("GET /ten-ka HTTP/1.0", [H, "Connection: keep-alive"]) + req("GET /ten-ka2 HTTP/1.0", [H, "Connection: keep-alive"]), { responses: 2 });
    expect(ka.statuses).toEqual([200, 200]);
    expect(header(ka.responses[0], "connection")).toBe("keep-alive");
  });

  it("hop-by-hop headers and the headers Connection names are not forwarded; end-to-end ones are", async () => {
    const r = await h1(rig, req("GET /hop HTTP/1.1", [H, "Connection: X-Drop-Me, keep-alive", "X-Drop-Me: 1", "X-Keep: 2", "Keep-Alive: timeout=5", "TE: trailers", "Proxy-Connection: keep-alive", "Upgrade: websocket"]));
    expectForwarded(r, { method: "GET", target: "/hop", body: "" });
    expect(forwardedHopByHop(r.upstream[0], ["x-drop-me"])).toEqual([]);
    expect(header(r.upstream[0], "x-keep")).toBe("2");
    expect(header(r.upstream[0], "host")).toBe("example.test");
  });

  // Envoy's HCM answers an Upgrade whose type has no upgrade_configs with 403 (downstream_rq_ws_on_non_ws_route)
  for (const [name, fields] of [
    ["websocket", ["Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13"]],
    ["h2c", ["Connection: Upgrade, HTTP2-Settings", "Upgrade: h2c", "HTTP2-Settings: AAMAAABkAAQAAP__"]],
  ] as const)
    it(`Upgrade: ${name} without upgrade_configs → 403 and close, nothing upstream`, async () => {
      const r = await h1(rig, req("GET /up HTTP/1.1", [H, ...fields]));
      expectRefused(r, 403);
      expect(await rig.h.stat("http.ingress_http.downstream_rq_ws_on_non_ws_route")).toBeGreaterThanOrEqual(1);
    });
});

describe("methods", () => {
  for (const m of ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PURGE", "PROPFIND"])
    it(`${m} is forwarded as is`, async () => {
      const r = await h1(rig, req(`${m} /m HTTP/1.1`, [H, "Content-Length: 2"], "hi"));
      expectForwarded(r, { method: m, target: "/m", body: "hi" });
    });

  it("HEAD is forwarded and its response has no body", async () => {
    const r = await h1(rig, req("HEAD /head HTTP/1.1", [H]) + req("GET /after-head HTTP/1.1", [H]), { responses: 2, noBodyFor: (i) => i === 0 });
    expect(r.statuses).toEqual([200, 200]);
    expect(r.upstream.map((m) => m.method)).toEqual(["HEAD", "GET"]);
  });

  // node's parser knows a fixed method list; any other token (RFC 9110 §9.1 allows extension methods) and the
  // lower-case spelling of a known one (methods are case-sensitive, so `get` is an unknown method) get 400.
  // Envoy's HTTP/1 codecs likewise accept only the methods they know by default, so this is pinned, not marked.
  for (const m of ["FOO-BAR", "get", "Get"])
    it(`${m} (a method node:http does not know) → 400 and close`, async () => {
      expectRefused(await h1(rig, req(`${m} /m HTTP/1.1`, [H])));
    });

  // CONNECT without any connect route: Envoy answers with a local reply (no route matches a CONNECT unless it
  // has connect_matcher: 404); node:http has no `connect` listener here and drops the connection with no reply.
  it("CONNECT without a CONNECT route gets a 4xx reply, not a silent close", async () => {
    const r = await h1(rig, req("CONNECT example.test:443 HTTP/1.1", [H]));
    expect(r.statuses[0]).toBeGreaterThanOrEqual(400);
  });
});

describe("request targets", () => {
  it("percent-encoding, the query and dot segments are forwarded byte for byte", async () => {
    const target = "/a%2Fb%20c/./d/../e?q=%41%2b&x=y%3D";
    const r = await h1(rig, req(`GET ${target} HTTP/1.1`, [H]));
    expectForwarded(r, { method: "GET", target, body: "" });
  });

  it("OPTIONS * (asterisk-form) matches no prefix route → 404 from the worker, nothing upstream", async () => {
    const r = await h1(rig, req("OPTIONS * HTTP/1.1", [H]));
    expect(r.statuses).toEqual([404]);
    expect(r.upstream).toEqual([]);
  });

  it("a space inside the target → 400 and close", async () => {
    expectRefused(await h1(rig, req("GET /a b HTTP/1.1", [H])));
  });

  // RFC 9112 §3.2.2: a server MUST accept absolute-form; Envoy's codec turns it into :path "/a?b=1" and
  // :authority "origin.test" (the authority replaces Host). The worker routes the raw "http://…" URL, matches no
  // route and answers 404.
  it("absolute-form is routed by its path, with the authority as Host", async () => {
    const r = await h1(rig, req("GET http://origin.test/a?b=1 HTTP/1.1", ["Host: other.test"]));
    expectForwarded(r, { method: "GET", target: "/a?b=1", body: "" });
    expect(header(r.upstream[0], "host")).toBe("origin.test");
  });

  // a fragment is not part of a request-target (RFC 9112 §3.2, RFC 3986 §3.5); Envoy rejects a path with `#`
  // (400). node:http passes it and the worker forwards "/frag#x" to the upstream.
  it("a fragment in the target is refused (Envoy: 400), not forwarded", async () => {
    const r = await h1(rig, req("GET /frag#x HTTP/1.1", [H]));
    expect(r.upstream).toEqual([]);
    expect(r.statuses).toEqual([400]);
  });
});
