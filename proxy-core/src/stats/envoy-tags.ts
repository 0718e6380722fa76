// Envoy's default tag extraction: which parts of a stat name become tags, and the "tag-extracted" name that
// is left. The descriptors are Envoy's (source/common/config/well_known_names.cc, in its order); how they run
// is Envoy's TagProducerImpl (source/common/stats/tag_producer_impl.cc) and TagExtractor*Impl
// (source/common/stats/tag_extractor_impl.cc):
// - extractors without a fixed first token run first, then those whose first token is the stat's first token,
//   each group in declaration order (regex descriptors before tokenized ones);
// - every extractor matches the original name; the characters each one captured for removal are removed at
//   the end, so the order of the tags, not of the removals, is what extraction order decides;
// - a tag name declared twice (envoy.http_conn_manager_prefix) is taken from the first extractor that matches.
// Left out: the extractors of filters Signalbox does not have (newer Envoy adds scoped RDS, RBAC,
// connection_limit, proxy_protocol, Google gRPC client and xDS resource ones), whose stats it never produces.
// Pure code, no dependencies: the console uses it for a whole fleet's stats as well.

export interface Tag {
  /** Envoy's tag name, e.g. `envoy.cluster_name` */
  readonly name: string;
  readonly value: string;
}

export interface TagExtraction {
  /** the name with the tag values removed, e.g. `cluster.upstream_rq` */
  readonly name: string;
  /** in extraction order, which is the order Envoy prints them as Prometheus labels */
  readonly tags: readonly Tag[];
}

// Envoy's expandRegex() substitutions (well_known_names.cc). ROUTE_CONFIG_NAME also takes `/`, as Envoy's does
// since xDS-TP names (its tests extract `agg/route_config.1-23`).
const EXPANSIONS: Record<string, string> = {
  "<ADDRESS>": String.raw`(?:(?:\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[[a-fA-F_\d]+\])_\d+)`,
  "<CIPHER>": String.raw`[\w-]+`,
  "<TLS_VERSION>": String.raw`TLSv\d\.\d`,
  "<TAG_VALUE>": String.raw`[^\.]+`,
  "<ROUTE_CONFIG_NAME>": String.raw`[\w./-]+`,
  "<LISTENER_OR_CLUSTER_WITH_NAME>": String.raw`(?:listener|cluster)\..*?`,
};

const expand = (re: string) => re.replace(/<[A-Z_]+>/g, (k) => EXPANSIONS[k] ?? k);

/** Envoy's addRe2() descriptors: group 1 is removed from the name, group 2 (or 1) is the tag value. */
const REGEX_DESCRIPTORS: readonly { tag: string; regex: string; substr?: string; negative?: string }[] = [
  // *_rq(_<response_code>)
  { tag: "envoy.response_code", regex: String.raw`_rq(_(\d{3}))$`, substr: "_rq_" },
  // *_rq_(<response_code_class>)xx
  { tag: "envoy.response_code_class", regex: String.raw`_rq_((\d))xx$`, substr: "_rq_" },
  {
    tag: "envoy.dynamo_partition_id",
    regex: String.raw`^http\.<TAG_VALUE>\.dynamodb\.table\.<TAG_VALUE>\.capacity\.<TAG_VALUE>(\.__partition_id=(\w{7}))$`,
    substr: ".dynamodb.table.",
  },
  {
    tag: "envoy.dynamo_operation",
    regex: String.raw`^http\.<TAG_VALUE>\.dynamodb.(?:operation|table\.<TAG_VALUE>\.capacity)(\.(<TAG_VALUE>))(?:\.|$)`,
    substr: ".dynamodb.",
  },
  { tag: "envoy.dynamo_table", regex: String.raw`^http\.<TAG_VALUE>\.dynamodb.(?:table|error)\.((<TAG_VALUE>)\.)`, substr: ".dynamodb." },
  // listener.[<address>.]ssl.ciphers.(<cipher>)
  { tag: "envoy.ssl_cipher", regex: String.raw`^listener\..*?\.ssl\.ciphers(\.(<CIPHER>))$`, substr: ".ssl.ciphers." },
  { tag: "envoy.ssl_curve", regex: String.raw`^<LISTENER_OR_CLUSTER_WITH_NAME>\.ssl\.curves(\.(<CIPHER>))$`, substr: ".ssl.curves." },
  { tag: "envoy.ssl_sigalg", regex: String.raw`^<LISTENER_OR_CLUSTER_WITH_NAME>\.ssl\.sigalgs(\.(<CIPHER>))$`, substr: ".ssl.sigalgs." },
  { tag: "envoy.ssl_version", regex: String.raw`^<LISTENER_OR_CLUSTER_WITH_NAME>\.ssl\.versions(\.(<TLS_VERSION>))$`, substr: ".ssl.versions." },
  // [listener|cluster].<name>.ssl.certificate.(<cert_name>.)<stat>: newer Envoy creates the certificate-expiry
  // gauges with the certificate's name as the tag envoy.tls_certificate (WellKnownTagStatNames tls_certificate),
  // not through a regex; this one gives the same name and tag. Its place among the ssl extractors is ours.
  {
    tag: "envoy.tls_certificate",
    regex: String.raw`^<LISTENER_OR_CLUSTER_WITH_NAME>\.ssl\.certificate\.((<TAG_VALUE>)\.)\w+$`,
    substr: ".ssl.certificate.",
  },
  { tag: "cipher_suite", regex: String.raw`^cluster\.<TAG_VALUE>\.ssl\.ciphers(\.(<CIPHER>))$`, substr: ".ssl.ciphers." },
  // listener.[<address>.]http.(<stat_prefix>.)*
  { tag: "envoy.http_conn_manager_prefix", regex: String.raw`^listener\..*?\.http\.((<TAG_VALUE>)\.)`, substr: ".http." },
  {
    tag: "envoy.worker_id",
    regex: String.raw`^(?:listener\.(?:<ADDRESS>|<TAG_VALUE>)\.|server\.|listener_manager\.)worker_((\d+)\.)`,
  },
  // listener.(<address|stat_prefix>.)*, but not the admin listener
  { tag: "envoy.listener_address", regex: String.raw`^listener\.((<ADDRESS>|<TAG_VALUE>)\.)`, negative: "admin" },
  { tag: "envoy.rds_route_config", regex: String.raw`^http\.<TAG_VALUE>\.rds\.((<ROUTE_CONFIG_NAME>)\.)\w+?$`, substr: ".rds." },
];

/** Envoy's addTokenized() descriptors: `$` is the tag value, `*` one token, `**` any number of tokens. */
const TOKEN_DESCRIPTORS: readonly { tag: string; tokens: string }[] = [
  { tag: "envoy.mongo_callsite", tokens: "mongo.*.collection.*.callsite.$.query.**" },
  { tag: "envoy.mongo_collection", tokens: "mongo.*.collection.$.**.query.*" },
  { tag: "envoy.mongo_cmd", tokens: "mongo.*.cmd.$.**" },
  { tag: "envoy.grpc_bridge_method", tokens: "cluster.*.grpc.*.$.**" },
  { tag: "envoy.http_user_agent", tokens: "http.*.user_agent.$.**" },
  { tag: "envoy.virtual_cluster", tokens: "vhost.*.vcluster.$.**" },
  { tag: "envoy.fault_downstream_cluster", tokens: "http.*.fault.$.**" },
  { tag: "envoy.grpc_bridge_service", tokens: "cluster.*.grpc.$.**" },
  { tag: "envoy.tcp_prefix", tokens: "tcp.$.**" },
  { tag: "envoy.udp_prefix", tokens: "udp.$.**" },
  { tag: "envoy.clientssl_prefix", tokens: "auth.clientssl.$.**" },
  { tag: "envoy.ratelimit_prefix", tokens: "ratelimit.$.**" },
  { tag: "envoy.cluster_name", tokens: "cluster.$.**" },
  { tag: "envoy.ext_authz_prefix", tokens: "cluster.*.ext_authz.$.**" },
  { tag: "envoy.ext_authz_prefix", tokens: "http.*.ext_authz.$.**" },
  { tag: "envoy.http_conn_manager_prefix", tokens: "http.$.**" },
  { tag: "envoy.virtual_host", tokens: "vhost.$.**" },
  { tag: "envoy.mongo_prefix", tokens: "mongo.$.**" },
  { tag: "envoy.route", tokens: "vhost.*.route.$.**" },
  { tag: "envoy.thrift_prefix", tokens: "thrift.$.**" },
  { tag: "envoy.redis_prefix", tokens: "redis.$.**" },
  { tag: "envoy.local_http_ratelimit_prefix", tokens: "$.http_local_rate_limit.**" },
  { tag: "envoy.local_network_ratelimit_prefix", tokens: "local_rate_limit.$.**" },
  { tag: "envoy.local_listener_ratelimit_prefix", tokens: "listener_local_ratelimit.$.**" },
  { tag: "envoy.dns_filter_prefix", tokens: "dns_filter.$.**" },
];

/** One stat name being tagged; its tokens are split at most once, as Envoy's TagExtractionContext does. */
class Subject {
  #tokens: string[] | null = null;
  constructor(readonly name: string) {}
  get tokens(): string[] {
    return (this.#tokens ??= this.name.split("."));
  }
}

interface Extractor {
  readonly tag: string;
  /** the first token a stat must have for this extractor to run, or "" */
  readonly prefix: string;
  /** on a match: pushes the tag and the [start, end) characters to remove */
  extract(s: Subject, tags: Tag[], remove: number[]): boolean;
}

/** Envoy's TagExtractorImplBase::extractRegexPrefix: the literal first token of an anchored regex. */
function regexPrefix(re: string): string {
  if (!re.startsWith("^")) return "";
  for (let i = 1; i < re.length; i++) {
    if (/[A-Za-z0-9_]/.test(re[i])) continue;
    const last = i === re.length - 1;
    if (i > 1 && ((!last && (re.startsWith("\\.", i) || re.startsWith("(?=\\.", i))) || (last && re[i] === "$"))) return re.slice(1, i);
    return "";
  }
  return "";
}

class RegexExtractor implements Extractor {
  readonly prefix: string;
  readonly #re: RegExp;
  constructor(
    readonly tag: string,
    regex: string,
    readonly substr: string,
    readonly negative: string,
  ) {
    const src = expand(regex);
    this.prefix = regexPrefix(src);
    // "d": match indices, to know where group 1 sits
    this.#re = new RegExp(src, "d");
  }

  extract(s: Subject, tags: Tag[], remove: number[]): boolean {
    if (this.substr !== "" && !s.name.includes(this.substr)) return false;
    const m = this.#re.exec(s.name);
    if (m === null || !m[1]) return false;
    const value = m[2] ? m[2] : m[1];
    if (this.negative !== "" && value === this.negative) return false;
    tags.push({ name: this.tag, value });
    const [start, end] = m.indices![1]!;
    remove.push(start, end);
    return true;
  }
}

class TokensExtractor implements Extractor {
  readonly prefix: string;
  readonly #tokens: readonly string[];
  readonly #matchIndex: number;
  readonly #found = { start: 0, index: 0 };

  constructor(
    readonly tag: string,
    pattern: string,
  ) {
    this.#tokens = pattern.split(".");
    this.#matchIndex = this.#tokens.indexOf("$");
    const first = this.#tokens[0];
    this.prefix = first === "$" || first === "*" || first === "**" ? "" : first;
  }

  extract(s: Subject, tags: Tag[], remove: number[]): boolean {
    const input = s.tokens;
    if (!this.#search(input, 0, 0, 0)) return false;
    const value = input[this.#found.index];
    let start = this.#found.start;
    let end = start + value.length;
    // remove the value with the dot after it, or before it when it is the last token
    if (this.#found.index < input.length - 1) end++;
    else if (start > 0) start--;
    tags.push({ name: this.tag, value });
    remove.push(start, end);
    return true;
  }

  /** TagExtractorTokensImpl::searchTags, including its backtracking over `**` in the middle of a pattern. */
  #search(input: readonly string[], inputIndex: number, patternIndex: number, charIndex: number): boolean {
    const pattern = this.#tokens;
    for (; inputIndex < input.length && patternIndex < pattern.length; inputIndex++, patternIndex++) {
      if (patternIndex === this.#matchIndex) {
        this.#found.start = charIndex;
        this.#found.index = inputIndex;
        continue;
      }
      const expected = pattern[patternIndex];
      if (expected === "**") {
        if (patternIndex === pattern.length - 1) {
          patternIndex = pattern.length;
          inputIndex = input.length;
          break;
        }
        patternIndex++;
        for (; inputIndex < input.length; inputIndex++) {
          if (this.#search(input, inputIndex, patternIndex, charIndex)) return true;
          charIndex += input[inputIndex].length + 1;
        }
        return false;
      }
      if (expected !== "*" && expected !== input[inputIndex]) return false;
      charIndex += input[inputIndex].length + 1;
    }
    return patternIndex === pattern.length && inputIndex === input.length;
  }
}

const withoutPrefix: Extractor[] = [];
const byPrefix = new Map<string, Extractor[]>();
const declaredTwice = new Set<string>();
{
  const all: Extractor[] = [
    ...REGEX_DESCRIPTORS.map((d) => new RegexExtractor(d.tag, d.regex, d.substr ?? "", d.negative ?? "")),
    ...TOKEN_DESCRIPTORS.map((d) => new TokensExtractor(d.tag, d.tokens)),
  ];
  const seen = new Set<string>();
  for (const e of all) {
    if (seen.has(e.tag)) declaredTwice.add(e.tag);
    seen.add(e.tag);
    if (e.prefix === "") withoutPrefix.push(e);
    else {
      let list = byPrefix.get(e.prefix);
      if (list === undefined) byPrefix.set(e.prefix, (list = []));
      list.push(e);
    }
  }
}

/** Envoy's TagProducerImpl::produceTags with the default extractors. */
export function extractTags(statName: string): TagExtraction {
  const subject = new Subject(statName);
  const tags: Tag[] = [];
  const remove: number[] = [];
  const run = (e: Extractor) => {
    if (declaredTwice.has(e.tag) && tags.some((t) => t.name === e.tag)) return;
    e.extract(subject, tags, remove);
  };
  for (const e of withoutPrefix) run(e);
  const dot = statName.indexOf(".");
  if (dot > 0) byPrefix.get(statName.slice(0, dot))?.forEach(run);
  return { name: removeRanges(statName, remove), tags };
}

/** StringUtil::removeCharacters: `ranges` is flat [start, end) pairs that may overlap. */
function removeRanges(s: string, ranges: number[]): string {
  if (ranges.length === 0) return s;
  const pairs: [number, number][] = [];
  for (let i = 0; i < ranges.length; i += 2) pairs.push([ranges[i], ranges[i + 1]]);
  pairs.sort((a, b) => a[0] - b[0]);
  let out = "";
  let at = 0;
  for (const [start, end] of pairs) {
    if (start > at) out += s.slice(at, start);
    at = Math.max(at, end);
  }
  return out + s.slice(at);
}
