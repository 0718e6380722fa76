// Filter-chain selection by SNI (Envoy's filter_chain_manager_impl.cc): exact server name, then the most
// specific wildcard (`www.example.com` → `*.example.com` → `*.com`), then the chain without server_names,
// then `default_filter_chain`; none → null (the connection is closed, `no_filter_chain_match`).

export interface MatchableChain {
  readonly serverNames: readonly string[];
}

export class FilterChainMatcher<C extends MatchableChain> {
  readonly #exact = new Map<string, C>();
  /** keyed by the suffix after "*", e.g. ".example.com" */
  readonly #wildcard = new Map<string, C>();
  readonly #catchAll: C | null;

  constructor(
    readonly chains: readonly C[],
    readonly fallback: C | null,
  ) {
    let catchAll: C | null = null;
    for (const c of chains) {
      if (c.serverNames.length === 0) catchAll ??= c;
      for (const n of c.serverNames) {
        const name = n.toLowerCase();
        if (name.startsWith("*.")) this.#wildcard.set(name.slice(1), c);
        else this.#exact.set(name, c);
      }
    }
    this.#catchAll = catchAll;
  }

  select(serverName: string): C | null {
    const name = serverName.toLowerCase();
    if (name) {
      const exact = this.#exact.get(name);
      if (exact) return exact;
      // most specific wildcard first: a.b.example.com tries .b.example.com, .example.com, .com
      for (let dot = name.indexOf(".", 1); dot > 0; dot = name.indexOf(".", dot + 1)) {
        const w = this.#wildcard.get(name.slice(dot));
        if (w) return w;
      }
    }
    return this.#catchAll ?? this.fallback;
  }
}
