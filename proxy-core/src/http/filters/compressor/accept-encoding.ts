// Which encoding a response gets, from the request's Accept-Encoding and the compressor filters of the chain
// (Envoy's CompressorFilter::chooseEncoding, source/extensions/filters/http/compressor/compressor_filter.cc):
// the highest q-value among the codings a compressor can produce, "identity" and "*"; ties go to the one listed
// first unless a compressor has choose_first; "*" means the compressor registered first. Codings are compared
// exactly; a q-value that does not parse drops its coding, q=0 rules a compressor out.

export const enum HeaderStat {
  /** no usable coding (q=0 everywhere, an unknown coding, nothing left): header_not_valid */
  NotValid,
  Identity,
  Wildcard,
  ValidCompressor,
}

export interface EncodingDecision {
  /** a compressor's encoding, or "identity" */
  readonly encoding: string;
  readonly stat: HeaderStat;
}

/** One compressor filter of the chain, in chain order. */
export interface CompressorCandidate {
  readonly encoding: string;
  readonly chooseFirst: boolean;
  /** lower-cased media types it compresses */
  readonly contentTypes: ReadonlySet<string>;
}

const IDENTITY = "identity";
const WILDCARD = "*";

/** absl::SimpleAtof: the whole (trimmed) string is a number */
function parseQ(v: string): number | null {
  if (v === "" || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v)) return null;
  return Number(v);
}

/** The codings of an Accept-Encoding value with their q-values, in order (unparsable q-values dropped). */
export function parseAcceptEncoding(value: string): { coding: string; q: number }[] {
  const out: { coding: string; q: number }[] = [];
  for (const token of value.split(",")) {
    if (token === "") continue;
    const semi = token.indexOf(";");
    const coding = (semi < 0 ? token : token.slice(0, semi)).trim();
    let q = 1;
    if (semi >= 0) {
      const params = token.slice(semi + 1);
      const eq = params.indexOf("=");
      if (eq >= 0 && params.slice(0, eq).trim().toLowerCase() === "q") {
        const parsed = parseQ(params.slice(eq + 1).trim());
        if (parsed === null) continue;
        q = parsed;
      }
    }
    out.push({ coding, q });
  }
  return out;
}

/**
 * `contentType`: the response's media type, lower-cased without parameters ("" when absent): a compressor that
 * does not compress it is left out of the choice, so another one in the chain may take the response.
 */
export function chooseEncoding(acceptEncoding: string, contentType: string, chain: readonly CompressorCandidate[]): EncodingDecision {
  // encoding → [registration order, choose_first]; duplicates of an encoding: the first one registered
  const allowed = new Map<string, { order: number; chooseFirst: boolean }>();
  for (const c of chain) {
    if (contentType !== "" && !c.contentTypes.has(contentType)) continue;
    if (!allowed.has(c.encoding)) allowed.set(c.encoding, { order: allowed.size, chooseFirst: c.chooseFirst });
  }
  const pairs = parseAcceptEncoding(acceptEncoding);
  for (const p of pairs) if (p.q === 0) allowed.delete(p.coding);
  if (pairs.length === 0 || allowed.size === 0) return { encoding: IDENTITY, stat: HeaderStat.NotValid };

  let choice = { coding: IDENTITY, q: 0 };
  for (const p of pairs) {
    if (!allowed.has(p.coding) && p.coding !== IDENTITY && p.coding !== WILDCARD) continue;
    if (p.q > choice.q || (p.q === choice.q && (allowed.get(p.coding)?.chooseFirst ?? false))) choice = p;
  }
  if (choice.q === 0) return { encoding: IDENTITY, stat: HeaderStat.NotValid };
  if (choice.coding === IDENTITY) return { encoding: IDENTITY, stat: HeaderStat.Identity };
  if (choice.coding === WILDCARD) {
    let first: string | null = null;
    let order = Infinity;
    for (const [encoding, a] of allowed) {
      if (a.order < order) {
        first = encoding;
        order = a.order;
      }
    }
    return { encoding: first!, stat: HeaderStat.Wildcard };
  }
  return { encoding: choice.coding, stat: HeaderStat.ValidCompressor };
}
