// Accept-Encoding negotiation of the compressor filters (Envoy's CompressorFilter::chooseEncoding): q-values,
// identity and "*", q=0 exclusions, content types per compressor, duplicates and choose_first.
import { describe, expect, it } from "vitest";
import { HeaderStat, chooseEncoding, parseAcceptEncoding, type CompressorCandidate } from "../../src/http/filters/compressor/accept-encoding";

const TEXT = new Set(["text/plain", "text/html", "application/json"]);
const gzip: CompressorCandidate = { encoding: "gzip", chooseFirst: false, contentTypes: TEXT };
const br: CompressorCandidate = { encoding: "br", chooseFirst: false, contentTypes: TEXT };
const STAT_NAMES: Record<HeaderStat, string> = {
  [HeaderStat.NotValid]: "NotValid",
  [HeaderStat.Identity]: "Identity",
  [HeaderStat.Wildcard]: "Wildcard",
  [HeaderStat.ValidCompressor]: "ValidCompressor",
};
const choose = (ae: string, chain: CompressorCandidate[] = [gzip], ct = "text/plain") => {
  const d = chooseEncoding(ae, ct, chain);
  return [d.encoding, STAT_NAMES[d.stat]];
};

describe("parseAcceptEncoding", () => {
  it("reads codings in order with q-values (1 by default), trimming spaces", () => {
    expect(parseAcceptEncoding(" gzip;q=0.5 , br ,deflate; Q = 0.25")).toEqual([
      { coding: "gzip", q: 0.5 },
      { coding: "br", q: 1 },
      { coding: "deflate", q: 0.25 },
    ]);
  });

  it("drops a coding whose q-value does not parse; other parameters leave q at 1", () => {
    expect(parseAcceptEncoding("gzip;q=abc, br;level=1, x;q=")).toEqual([{ coding: "br", q: 1 }]);
  });
});

describe("chooseEncoding", () => {
  it("picks the highest q among the compressors of the chain", () => {
    expect(choose("gzip")).toEqual(["gzip", "ValidCompressor"]);
    expect(choose("gzip;q=0.5, br", [gzip, br])).toEqual(["br", "ValidCompressor"]);
    expect(choose("deflate, gzip;q=0.2", [gzip, br])).toEqual(["gzip", "ValidCompressor"]);
  });

  it("a tie goes to the coding listed first, unless a compressor has choose_first", () => {
    expect(choose("br, gzip", [gzip, br])).toEqual(["br", "ValidCompressor"]);
    expect(choose("br, gzip", [{ ...gzip, chooseFirst: true }, br])).toEqual(["gzip", "ValidCompressor"]);
  });

  it("identity wins when it has the highest q", () => {
    expect(choose("identity, gzip;q=0.5")).toEqual(["identity", "Identity"]);
    expect(choose("identity;q=0.1, gzip;q=0.5")).toEqual(["gzip", "ValidCompressor"]);
  });

  it("'*' takes the compressor registered first", () => {
    expect(choose("*", [br, gzip])).toEqual(["br", "Wildcard"]);
    expect(choose("*", [gzip, br])).toEqual(["gzip", "Wildcard"]);
  });

  it("gzip;q=0 rules gzip out even beside '*' (the docs' example), '*;q=0,gzip' still compresses", () => {
    expect(choose("gzip;q=0, *;q=1")).toEqual(["identity", "NotValid"]);
    expect(choose("*;q=0, gzip;q=1")).toEqual(["gzip", "ValidCompressor"]);
  });

  it("an unknown coding only, an empty value or all q=0 is not valid", () => {
    expect(choose("deflate")).toEqual(["identity", "NotValid"]);
    expect(choose("")).toEqual(["identity", "NotValid"]);
    expect(choose("identity;q=0")).toEqual(["identity", "NotValid"]);
  });

  it("compressors that do not compress the response's content type are left out", () => {
    const gzipImages: CompressorCandidate = { encoding: "gzip", chooseFirst: false, contentTypes: new Set(["image/svg+xml"]) };
    expect(choose("gzip, br;q=0.5", [gzipImages, br], "text/plain")).toEqual(["br", "ValidCompressor"]);
    expect(choose("gzip, br;q=0.5", [gzipImages, br], "image/svg+xml")).toEqual(["gzip", "ValidCompressor"]);
    // a response without a content type: every compressor takes part
    expect(choose("gzip", [gzipImages], "")).toEqual(["gzip", "ValidCompressor"]);
  });

  it("codings are compared exactly, as Envoy compares them", () => {
    expect(choose("GZIP")).toEqual(["identity", "NotValid"]);
  });
});
