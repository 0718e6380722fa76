// The worker's runtime: Envoy's layered runtime (source/common/runtime/runtime_impl.cc, LoaderImpl and SnapshotImpl;
// docs/root/configuration/operations/runtime.rst) with static layers and one admin layer. Later layers override
// earlier ones; the merged view is rebuilt whenever a layer changes, so a lookup is one Map.get.
//
// It belongs to the process, not to a config: a SIGHUP reload of `-c` replaces the static layers and keeps what
// /runtime_modify set, and a console snapshot (listeners and clusters) never touches it. Routes (runtime_fraction,
// request_mirror_policies) and HTTP filters read it live through `ClusterManager.runtime`.
import type { StatsStore } from "../stats/store";
import { DENOMINATORS, entryFromAdminString, flattenStaticLayer, type DenominatorName, type Fraction, type RuntimeEntry } from "./runtime-entry";

export type { Fraction } from "./runtime-entry";

/** bootstrap.v3.RuntimeLayer as the schema keeps it (static_layer or admin_layer; the other kinds are refused). */
export interface RuntimeLayerConfig {
  name: string;
  static_layer?: Record<string, unknown>;
  admin_layer?: object;
}

/** A non-negative integer, as Envoy's Random::RandomGenerator::random(); only its value modulo 10^6 matters here. */
export type RandomSource = () => number;

/** A uniform draw over 1,000,000: the largest denominator (MILLION), which 100 and 10,000 divide evenly. */
export const defaultRandom: RandomSource = () => Math.floor(Math.random() * DENOMINATORS.MILLION);

/** envoy.type.v3.FractionalPercent as configured → the numbers featureEnabled compares. */
export function fraction(p: { numerator?: number; denominator?: DenominatorName } | undefined): Fraction {
  return { numerator: p?.numerator ?? 0, denominator: DENOMINATORS[p?.denominator ?? "HUNDRED"] };
}

/** Everything a --concurrency worker needs to hold the same runtime as its primary (src/cluster/ipc.ts). */
export interface RuntimeState {
  layers: RuntimeLayerConfig[];
  /** the admin layer's values as set through /runtime_modify, raw */
  admin: [string, string][];
}

interface Layer {
  readonly name: string;
  readonly admin: boolean;
  readonly values: Map<string, RuntimeEntry>;
}

export class RuntimeLoadError extends Error {}

/**
 * Envoy's layer list for a bootstrap: none without `layered_runtime`, one unnamed admin layer for an empty one
 * (Server::Configuration::InitialImpl), else the layers as written.
 */
export function effectiveLayers(config: { layers?: RuntimeLayerConfig[] } | undefined): RuntimeLayerConfig[] {
  if (config === undefined) return [];
  return config.layers?.length ? config.layers : [{ name: "", admin_layer: {} }];
}

/** The runtime of a worker following a console: it has no bootstrap, so an admin layer for /runtime_modify. */
export const CONSOLE_RUNTIME_LAYERS: RuntimeLayerConfig[] = [{ name: "admin", admin_layer: {} }];

export class Runtime {
  readonly random: RandomSource;
  #layers: Layer[] = [];
  #values = new Map<string, RuntimeEntry>();
  #config: RuntimeLayerConfig[] = [];
  readonly #store: StatsStore | null;

  constructor(opts: { random?: RandomSource; store?: StatsStore; layers?: RuntimeLayerConfig[] } = {}) {
    this.random = opts.random ?? defaultRandom;
    this.#store = opts.store ?? null;
    if (opts.layers !== undefined) this.load(opts.layers);
  }

  /**
   * Replaces the layers (a bootstrap's, through effectiveLayers). The admin layer keeps its values when the new
   * layers still have one. Throws RuntimeLoadError (Envoy's message) for a static value Envoy refuses.
   */
  load(layers: RuntimeLayerConfig[]) {
    const oldAdmin = this.#layers.find((l) => l.admin)?.values;
    const next: Layer[] = [];
    for (const l of layers) {
      if (l.admin_layer !== undefined) {
        next.push({ name: l.name, admin: true, values: oldAdmin ?? new Map() });
        continue;
      }
      const flat = flattenStaticLayer(l.static_layer ?? {});
      if (flat.error !== null) {
        this.#store?.counter("runtime.load_error").inc();
        throw new RuntimeLoadError(flat.error);
      }
      next.push({ name: l.name, admin: false, values: flat.entries });
    }
    this.#layers = next;
    this.#config = layers;
    this.#snapshot();
  }

  /** Envoy's createNewSnapshot: later layers win; runtime.* stats follow. */
  #snapshot() {
    const merged = new Map<string, RuntimeEntry>();
    for (const l of this.#layers) for (const [k, e] of l.values) merged.set(k, e);
    this.#values = merged;
    const s = this.#store;
    if (s === null) return;
    s.counter("runtime.load_success").inc();
    s.gauge("runtime.num_keys").set(merged.size);
    s.gauge("runtime.num_layers").set(this.#layers.length);
    const admin = this.#layers.find((l) => l.admin);
    s.gauge("runtime.admin_overrides_active").set(admin !== undefined && admin.values.size > 0 ? 1 : 0);
  }

  get hasAdminLayer(): boolean {
    return this.#layers.some((l) => l.admin);
  }

  /** The raw value (Snapshot::get), or null. */
  get(key: string): string | null {
    return this.#values.get(key)?.raw ?? null;
  }

  getInteger(key: string, defaultValue: number): number {
    return this.#values.get(key)?.uint ?? defaultValue;
  }

  getDouble(key: string, defaultValue: number): number {
    return this.#values.get(key)?.double ?? defaultValue;
  }

  getBoolean(key: string, defaultValue: boolean): boolean {
    return this.#values.get(key)?.bool ?? defaultValue;
  }

  /**
   * Envoy's featureEnabled(key, FractionalPercent default, random_value): the key's FractionalPercent, or its
   * integer read as a percentage (above 100: always), or the default; enabled when `random % denominator <
   * numerator`. Pass the request's random value where Envoy does (route matching draws one per request).
   */
  featureEnabled(key: string, defaultValue: Fraction, random: number = this.random()): boolean {
    const e = key === "" ? undefined : this.#values.get(key);
    let p = defaultValue;
    if (e?.fraction != null) p = e.fraction;
    else if (e?.uint != null) {
      if (e.uint > 100) return true;
      p = { numerator: e.uint, denominator: 100 };
    }
    return random % p.denominator < p.numerator;
  }

  /** Envoy's featureEnabled(key, uint64 default): the key's integer (else the default) as a percentage. */
  featurePercentEnabled(key: string, defaultPercent: number, random: number = this.random()): boolean {
    const cutoff = Math.min(this.getInteger(key, defaultPercent), 100);
    return cutoff >= 100 || (cutoff > 0 && random % 100 < cutoff);
  }

  /**
   * /runtime_modify (AdminLayer::mergeValues): each value replaces the key in the admin layer, an empty value
   * removes it. Returns Envoy's error text, or null when applied.
   */
  mergeValues(values: ReadonlyArray<readonly [string, string]>): string | null {
    const admin = this.#layers.find((l) => l.admin);
    if (admin === undefined) return "No admin layer specified";
    const parsed: [string, RuntimeEntry | null][] = [];
    for (const [k, v] of values) {
      try {
        parsed.push([k, v === "" ? null : entryFromAdminString(v)]);
      } catch (err) {
        return `Unable to parse runtime value for ${k}: ${(err as Error).message}`;
      }
    }
    for (const [k, e] of parsed) {
      admin.values.delete(k);
      if (e !== null) admin.values.set(k, e);
    }
    this.#snapshot();
    return null;
  }

  /** GET /runtime (source/server/admin/runtime_handler.cc): every key with its value in each layer. */
  adminView(): { entries: Record<string, { final_value: string; layer_values: string[] }>; layers: string[] } {
    const keys = new Set<string>();
    for (const l of this.#layers) for (const k of l.values.keys()) keys.add(k);
    const entries: Record<string, { final_value: string; layer_values: string[] }> = {};
    for (const k of [...keys].sort()) {
      const layerValues = this.#layers.map((l) => l.values.get(k)?.raw ?? "");
      entries[k] = { final_value: layerValues.reduce((last, v) => (v !== "" ? v : last), ""), layer_values: layerValues };
    }
    return { entries, layers: this.#layers.map((l) => l.name) };
  }

  state(): RuntimeState {
    const admin = this.#layers.find((l) => l.admin);
    return { layers: this.#config, admin: admin === undefined ? [] : [...admin.values].map(([k, e]) => [k, e.raw]) };
  }

  /** A worker takes its primary's runtime (layers and admin overrides) as a whole. */
  restore(state: RuntimeState) {
    for (const l of this.#layers) if (l.admin) l.values.clear();
    this.load(state.layers);
    if (state.admin.length > 0) this.mergeValues(state.admin);
  }
}
