// A FractionalPercent as a per-request coin (Envoy's ProtobufPercentHelper::evaluateFractionalPercent: a random
// value modulo the denominator below the numerator). 0 % and 100 % never draw a random number, so a filter
// enabled "always" costs one comparison per request.
import { DENOMINATORS } from "../../config/http-filters/runtime-percent";
import type { FractionalPercent, RuntimeFractionalPercent } from "../../config/schema-percent";
import type { Runtime } from "../../runtime/runtime";

export class Fraction {
  static readonly ALWAYS = new Fraction(100, 100);
  static readonly NEVER = new Fraction(0, 100);
  readonly #always: boolean;

  protected constructor(
    readonly numerator: number,
    readonly denominator: number,
  ) {
    this.#always = numerator >= denominator;
  }

  /** An unset FractionalPercent is the proto's default: 0 of HUNDRED, never. */
  static of(p: FractionalPercent | undefined): Fraction {
    if (p === undefined) return Fraction.NEVER;
    return new Fraction(p.numerator ?? 0, DENOMINATORS[p.denominator ?? "HUNDRED"]);
  }

  /**
   * A RuntimeFractionalPercent (`filter_enabled`, `filter_enforced`, `shadow_enabled`): its `runtime_key`, when
   * set, is read from the runtime on every request, as Envoy's FilterConfig does through
   * Runtime::Loader::featureEnabled, so /runtime_modify turns a filter on or off without a reload. `unset` is
   * the fraction when the field itself is absent.
   */
  static ofRuntime(p: RuntimeFractionalPercent | undefined, unset: Fraction, runtime: Runtime | undefined): Fraction {
    if (p === undefined) return unset;
    const base = Fraction.of(p.default_value);
    return p.runtime_key && runtime !== undefined ? new RuntimeKeyedFraction(base.numerator, base.denominator, p.runtime_key, runtime) : base;
  }

  /**
   * The same denominator with at most `numerator` (a fault's `x-envoy-fault-*-percentage` request header may
   * lower the configured percentage, never raise it: HeaderPercentageProvider in Envoy's
   * source/extensions/filters/common/fault/fault_config.cc).
   */
  capped(numerator: number): Fraction {
    return numerator >= this.numerator ? this : new Fraction(numerator, this.denominator);
  }

  hit(): boolean {
    if (this.#always) return true;
    if (this.numerator === 0) return false;
    return Math.floor(Math.random() * this.denominator) < this.numerator;
  }
}

class RuntimeKeyedFraction extends Fraction {
  constructor(
    numerator: number,
    denominator: number,
    private readonly key: string,
    private readonly runtime: Runtime,
  ) {
    super(numerator, denominator);
  }

  override capped(numerator: number): Fraction {
    return numerator >= this.numerator ? this : Fraction.of({ numerator, denominator: this.denominator === 100 ? "HUNDRED" : this.denominator === 10_000 ? "TEN_THOUSAND" : "MILLION" });
  }

  override hit(): boolean {
    return this.runtime.featureEnabled(this.key, this);
  }
}
