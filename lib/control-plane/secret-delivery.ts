// What the hub sends workers of the console's TLS secrets (Envoy's SDS over ADS): before a snapshot, the secrets
// that version references, as one full set; after a create, rotation or delete, the new set to every worker whose
// version references a changed one. A worker is sent a set only when it differs from the last one it got, so an
// unchanged rotation of nothing, or a reconnect, costs no re-apply.
import { createHash } from "node:crypto";
import type { DeliveredSecret, SecretsMessage } from "../../proxy-core/src/protocol";
import { snapshotSecretNames } from "../secrets/references";
import type { LiveVersion, Session } from "./sessions";

export type LoadSecrets = () => Promise<DeliveredSecret[]>;

export class SecretDelivery {
  #secrets = new Map<string, DeliveredSecret>();
  /** versions are immutable: the names each references, read once */
  readonly #refs = new WeakMap<LiveVersion["snapshot"], string[]>();
  /** the version of the set each session was sent last */
  readonly #sent = new WeakMap<Session, string>();

  constructor(private readonly load: LoadSecrets | undefined) {}

  async reload(): Promise<void> {
    if (!this.load) return;
    this.#secrets = new Map((await this.load()).map((s) => [s.name, s]));
  }

  #namesOf(v: LiveVersion): string[] {
    let names = this.#refs.get(v.snapshot);
    if (names === undefined) this.#refs.set(v.snapshot, (names = [...snapshotSecretNames(v.snapshot)].sort()));
    return names;
  }

  /** Sends `s` the secrets version `v` references unless it has that very set already. */
  sendFor(s: Session, v: LiveVersion): void {
    const names = this.#namesOf(v);
    if (names.length === 0 && !this.#sent.has(s)) return;
    const secrets = names.flatMap((n) => this.#secrets.get(n) ?? []);
    const version = createHash("sha256").update(JSON.stringify(secrets)).digest("hex").slice(0, 16);
    if (this.#sent.get(s) === version || s.ws.readyState !== s.ws.OPEN) return;
    this.#sent.set(s, version);
    const msg: SecretsMessage = { type: "secrets", version, secrets };
    s.ws.send(JSON.stringify(msg));
  }
}
