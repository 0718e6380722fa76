// envoy.filters.http.compressor with gzip and brotli on the chain: real compressed bodies decompressed by the
// test, Accept-Encoding negotiation between the two filters, the headers Envoy changes (content-encoding,
// content-length, vary, etag), the responses it leaves alone (small, HEAD, 204/304, already encoded,
// no-transform, other content types, no Accept-Encoding), per-route overrides, the stats of both layouts, and a
// large response to a client that stops reading: the upstream is held back, nothing piles up in the proxy.
import crypto from "node:crypto";
import http from "node:http";
import zlib from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { cluster, listener, sleep, startProxy, startUpstream, waitFor, withHttpFilters, type Harness, type Upstream } from "./harness";
import { FIRST_FILTER, refusals } from "./filter-kit";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const COMPRESSOR = "type.googleapis.com/envoy.extensions.filters.http.compressor.v3.Compressor";
const PER_ROUTE = "type.googleapis.com/envoy.extensions.filters.http.compressor.v3.CompressorPerRoute";
const GZIP = "type.googleapis.com/envoy.extensions.compression.gzip.compressor.v3.Gzip";
const BROTLI = "type.googleapis.com/envoy.extensions.compression.brotli.compressor.v3.Brotli";
const TEXT = Buffer.from("hello compressor, ".repeat(120)); // 2160 bytes
const STREAM_CHUNK = crypto.randomBytes(64 * 1024); // incompressible within gzip's 4 KiB window
const STREAM_CHUNKS = 1024; // 64 MiB

interface StreamProgress {
  written: number;
}

async function upstream(progress: StreamProgress): Promise<Upstream> {
  const u = await startUpstream((req, res) => {
    const send = (status: number, headers: Record<string, string>, body: Buffer | string = TEXT) => {
      res.writeHead(status, { "content-type": "text/plain", ...headers });
      res.end(req.method === "HEAD" || status === 204 || status === 304 ? undefined : body);
    };
    const len = { "content-length": String(TEXT.length) };
    switch (req.url) {
      case "/text":
        return send(200, { ...len, etag: '"v1"', vary: "origin" });
      case "/weak":
        return send(200, { ...len, etag: 'W/"v1"' });
      case "/small":
        return send(200, { "content-length": "4" }, "tiny");
      case "/png":
        return send(200, { ...len, "content-type": "image/png" });
      case "/encoded": {
        const gz = zlib.gzipSync(TEXT);
        return send(200, { "content-encoding": "gzip", "content-length": String(gz.length) }, gz);
      }
      case "/no-transform":
        return send(200, { ...len, "cache-control": "public, no-transform" });
      case "/no-content":
        return send(204, {});
      case "/stream": {
        res.writeHead(200, { "content-type": "text/plain" });
        let i = 0;
        const pump = () => {
          while (i < STREAM_CHUNKS) {
            i++;
            progress.written += STREAM_CHUNK.length;
            if (!res.write(STREAM_CHUNK)) return void res.once("drain", pump);
          }
          res.end();
        };
        return pump();
      }
      default:
        return send(200, len);
    }
  });
  cleanups.push(() => u.close());
  return u;
}

const gzipFilter = (extra: Record<string, unknown> = {}, library: Record<string, unknown> = {}) => ({
  name: "compressor-gzip",
  typed_config: { "@type": COMPRESSOR, compressor_library: { name: "text", typed_config: { "@type": GZIP, ...library } }, response_direction_config: {}, ...extra },
});
const brotliFilter = { name: "compressor-br", typed_config: { "@type": COMPRESSOR, compressor_library: { name: "text", typed_config: { "@type": BROTLI, quality: 5 } } } };

async function compressorProxy(filters: Record<string, unknown>[], routes?: Record<string, unknown>[]) {
  const progress: StreamProgress = { written: 0 };
  const u = await upstream(progress);
  const l = withHttpFilters(listener("l", (routes ?? [{ match: { prefix: "/" }, route: { cluster: "c" } }]) as never), filters);
  const h: Harness = await startProxy([l], [cluster("c", [u.port])]);
  cleanups.push(() => h.close());
  return { h, u, progress };
}

interface RawReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function fetchRaw(port: number, path: string, headers: Record<string, string> = {}, method = "GET"): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    http
      .request({ host: "127.0.0.1", port, path, method, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on("error", reject)
      .end();
  });
}

const gz = "http.ingress_http.compressor.text.gzip";
const br = "http.ingress_http.compressor.text.brotli";

describe("compressor: compressing", () => {
  it("gzip: content-encoding, no content-length, vary appended, strong etag dropped; the body gunzips to the original", async () => {
    const { h, u } = await compressorProxy([gzipFilter()]);
    const r = await fetchRaw(h.port, "/text", { "accept-encoding": "gzip" });
    expect(r.headers["content-encoding"]).toBe("gzip");
    expect(r.headers["content-length"]).toBeUndefined();
    expect(r.headers["transfer-encoding"]).toBe("chunked");
    expect(r.headers.vary).toBe("origin, Accept-Encoding");
    expect(r.headers.etag).toBeUndefined();
    expect(zlib.gunzipSync(r.body).equals(TEXT)).toBe(true);
    expect(u.seen[0].headers["accept-encoding"]).toBe("gzip");
    // response_direction_config set: the common stats under .response., the header stats beside it
    await waitFor(async () => (await h.stat(`${gz}.response.total_compressed_bytes`)) === r.body.length, "the byte counts");
    expect(await h.stat(`${gz}.response.compressed`)).toBe(1);
    expect(await h.stat(`${gz}.response.total_uncompressed_bytes`)).toBe(TEXT.length);
    expect(await h.stat(`${gz}.header_compressor_used`)).toBe(1);
    expect(await h.stat(`${gz}.request.not_compressed`)).toBe(1);
  });

  it("brotli, and between two compressors the Accept-Encoding q-values decide ('*': the first in the chain)", async () => {
    const { h } = await compressorProxy([gzipFilter(), brotliFilter]);
    const b = await fetchRaw(h.port, "/text", { "accept-encoding": "gzip;q=0.5, br" });
    expect(b.headers["content-encoding"]).toBe("br");
    expect(zlib.brotliDecompressSync(b.body).equals(TEXT)).toBe(true);
    expect((await fetchRaw(h.port, "/text", { "accept-encoding": "br;q=0.1, gzip" })).headers["content-encoding"]).toBe("gzip");
    expect((await fetchRaw(h.port, "/text", { "accept-encoding": "*" })).headers["content-encoding"]).toBe("gzip");
    // brotli without response_direction_config: its common stats have no .response. level
    expect(await h.stat(`${br}.compressed`)).toBe(1);
    expect(await h.stat(`${br}.header_compressor_overshadowed`)).toBe(1);
    expect(await h.stat(`${gz}.header_compressor_overshadowed`)).toBe(1);
    expect(await h.stat(`${gz}.header_wildcard`)).toBe(1);
  });

  it("keeps a weak etag; disable_on_etag_header leaves responses with an etag alone (not_compressed_etag)", async () => {
    const { h } = await compressorProxy([gzipFilter()]);
    const weak = await fetchRaw(h.port, "/weak", { "accept-encoding": "gzip" });
    expect([weak.headers["content-encoding"], weak.headers.etag]).toEqual(["gzip", 'W/"v1"']);
    const strict = await compressorProxy([gzipFilter({ response_direction_config: { disable_on_etag_header: true } })]);
    const r = await fetchRaw(strict.h.port, "/text", { "accept-encoding": "gzip" });
    expect([r.headers["content-encoding"], r.headers.etag, r.body.equals(TEXT)]).toEqual([undefined, '"v1"', true]);
    expect(await strict.h.stat(`${gz}.not_compressed_etag`)).toBe(1);
  });

  it("remove_accept_encoding_header keeps the upstream from compressing first", async () => {
    const { h, u } = await compressorProxy([gzipFilter({ response_direction_config: { remove_accept_encoding_header: true } })]);
    expect((await fetchRaw(h.port, "/text", { "accept-encoding": "gzip" })).headers["content-encoding"]).toBe("gzip");
    expect(u.seen[0].headers["accept-encoding"]).toBeUndefined();
  });
});

describe("compressor: responses left alone", () => {
  it("small, HEAD, 204, already encoded, no-transform, other content types", async () => {
    const { h } = await compressorProxy([gzipFilter()]);
    const ae = { "accept-encoding": "gzip" };
    const small = await fetchRaw(h.port, "/small", ae);
    expect([small.headers["content-encoding"], small.body.toString(), small.headers.vary]).toEqual([undefined, "tiny", undefined]);
    expect(await h.stat(`${gz}.response.content_length_too_small`)).toBe(1);
    // HEAD: no body to compress, but the resource is compressible: vary, and the content-length kept
    const head = await fetchRaw(h.port, "/text", ae, "HEAD");
    expect([head.headers["content-encoding"], head.headers["content-length"], head.headers.vary]).toEqual([undefined, String(TEXT.length), "origin, Accept-Encoding"]);
    expect((await fetchRaw(h.port, "/no-content", ae)).headers["content-encoding"]).toBeUndefined();
    const encoded = await fetchRaw(h.port, "/encoded", ae);
    expect(zlib.gunzipSync(encoded.body).equals(TEXT)).toBe(true);
    const noTransform = await fetchRaw(h.port, "/no-transform", ae);
    expect([noTransform.headers["content-encoding"], noTransform.body.equals(TEXT)]).toEqual([undefined, true]);
    const png = await fetchRaw(h.port, "/png", ae);
    expect([png.headers["content-encoding"], png.headers.vary]).toEqual([undefined, undefined]);
    expect(await h.stat(`${gz}.response.compressed`)).toBe(0);
    expect(await h.stat(`${gz}.response.not_compressed`)).toBe(6);
  });

  it("no Accept-Encoding, identity, q=0: uncompressed (vary still says it could be), counted per reason", async () => {
    const { h } = await compressorProxy([gzipFilter()]);
    const none = await fetchRaw(h.port, "/text");
    expect([none.headers["content-encoding"], none.headers.vary]).toEqual([undefined, "origin, Accept-Encoding"]);
    await fetchRaw(h.port, "/text", { "accept-encoding": "identity" });
    await fetchRaw(h.port, "/text", { "accept-encoding": "gzip;q=0" });
    expect([await h.stat(`${gz}.no_accept_header`), await h.stat(`${gz}.header_identity`), await h.stat(`${gz}.header_not_valid`)]).toEqual([1, 1, 1]);
  });
});

describe("compressor per route", () => {
  it("disabled on a route; an override enables a filter that is off by default", async () => {
    const per = (c: Record<string, unknown>) => ({ typed_per_filter_config: { "compressor-gzip": { "@type": PER_ROUTE, ...c } } });
    const routes = [
      { match: { prefix: "/text" }, route: { cluster: "c" }, ...per({ overrides: { response_direction_config: {} } }) },
      { match: { prefix: "/weak" }, route: { cluster: "c" }, ...per({ disabled: true }) },
      { match: { prefix: "/" }, route: { cluster: "c" } },
    ];
    const off = { response_direction_config: { common_config: { enabled: { default_value: false, runtime_key: "compression.enabled" } } } };
    const { h } = await compressorProxy([gzipFilter(off)], routes);
    const ae = { "accept-encoding": "gzip" };
    expect((await fetchRaw(h.port, "/text", ae)).headers["content-encoding"]).toBe("gzip");
    expect((await fetchRaw(h.port, "/weak", ae)).headers["content-encoding"]).toBeUndefined();
    expect((await fetchRaw(h.port, "/other", ae)).headers["content-encoding"]).toBeUndefined();
  });
});

describe("compressor: a slow client", () => {
  it("a 64 MiB response to a client that stops reading: the upstream is held back, then all of it arrives intact", async () => {
    const { h, progress } = await compressorProxy([gzipFilter({}, { compression_level: "BEST_SPEED" })]);
    const digest = crypto.createHash("sha256");
    for (let i = 0; i < STREAM_CHUNKS; i++) digest.update(STREAM_CHUNK);
    const expected = digest.digest("hex");
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      http.get({ host: "127.0.0.1", port: h.port, path: "/stream", headers: { "accept-encoding": "gzip" }, agent: false }, resolve).on("error", reject);
    });
    res.pause();
    expect(res.headers["content-encoding"]).toBe("gzip");
    // the pipe fills up (socket buffers, the zlib stream's, undici's), then the upstream stops: what it wrote
    // stays a few MiB (kernel buffers may still grow a little), far from the 64 MiB it has to send
    await waitFor(async () => {
      const before = progress.written;
      await sleep(300);
      return progress.written === before;
    }, "the upstream to be held back", 20_000);
    await sleep(1000);
    expect(progress.written).toBeLessThan((STREAM_CHUNKS * STREAM_CHUNK.length) / 4);
    const hash = crypto.createHash("sha256");
    let size = 0;
    await new Promise<void>((resolve, reject) => {
      const gunzip = zlib.createGunzip();
      gunzip.on("data", (c: Buffer) => {
        size += c.length;
        hash.update(c);
      });
      gunzip.on("end", resolve);
      gunzip.on("error", reject);
      res.pipe(gunzip);
    });
    expect(size).toBe(STREAM_CHUNKS * STREAM_CHUNK.length);
    expect(hash.digest("hex")).toBe(expected);
  }, 60_000);
});

describe("compressor: what a config may say", () => {
  it("refuses request compression, other libraries and out-of-range library settings", () => {
    const l = (f: Record<string, unknown>) => withHttpFilters(listener("l", [{ match: { prefix: "/" }, route: { cluster: "c" } }]), [f]);
    expect(refusals(l(gzipFilter({ request_direction_config: {} })))).toEqual([`${FIRST_FILTER}.request_direction_config: request compression is not supported by Signalbox`]);
    const zstd = { name: "z", typed_config: { "@type": COMPRESSOR, compressor_library: { name: "z", typed_config: { "@type": "type.googleapis.com/envoy.extensions.compression.zstd.compressor.v3.Zstd" } } } };
    expect(refusals(l(zstd))).toEqual([`${FIRST_FILTER}.compressor_library.typed_config.@type: envoy.extensions.compression.zstd.compressor.v3.Zstd is not supported by Signalbox (supported: Gzip, Brotli)`]);
    expect(refusals(l(gzipFilter({}, { window_bits: 16 })))).toEqual([`${FIRST_FILTER}.compressor_library.typed_config.window_bits: must be between 9 and 15`]);
  });
});
