// Listener form state ↔ the PUT body ↔ Envoy's Listener JSON. The body is what the server takes; the JSON is
// built from it by the same function the server uses (lib/contract/listener-json.ts), so the form checks a
// listener exactly as the server will: the body's schema, then the proxy's Listener schema on the result, with
// every error at the form field it belongs to. Virtual hosts are edited on their own (virtual-host-model.ts).
import { Listener as ListenerSchema } from "@/proxy-core/src/config/schema";
import { ListenerBody, type DraftListenerItem, type ListenerProtocol } from "@/lib/contract/listeners";
import { DEFAULT_LISTENER_ADDRESS, bodyErrors, buildListener, listenerField, listenerSummary } from "@/lib/contract/listener-json";
import type { FieldError } from "@/components/queries/api-client";
import { parseIntField } from "../ui/field-errors";

type Obj = Record<string, unknown>;

export interface CertificateRow {
  key: number;
  certificateChain: string;
  privateKey: string;
}

/** Where an HTTPS listener's certificates come from: TLS secrets uploaded to the console, or files on every worker. */
export type CertificateSource = "secret" | "files";

export interface ListenerFormState {
  name: string;
  address: string;
  port: string;
  protocol: ListenerProtocol;
  /** empty: the current one (a new listener: its name) */
  statPrefix: string;
  certificateSource: CertificateSource;
  /** tls_certificate secrets by name ("" until one is chosen) */
  secrets: string[];
  certificates: CertificateRow[];
  /** SNI names, separated by commas or spaces */
  serverNames: string;
  cluster: string;
  /** the first chain's certificates are PEM written inline in the config: kept as they are, not edited here */
  inlineCertificates: boolean;
}

let nextKey = 1;
export const newCertificate = (certificateChain = "", privateKey = ""): CertificateRow => ({ key: nextKey++, certificateChain, privateKey });

export function emptyListener(): ListenerFormState {
  return {
    name: "", address: DEFAULT_LISTENER_ADDRESS, port: "", protocol: "http", statPrefix: "",
    // a secret is the default: uploaded once, no file to place on every worker
    certificateSource: "secret", secrets: [""], certificates: [newCertificate()],
    serverNames: "", cluster: "", inlineCertificates: false,
  };
}

/** "a.example.com, b.example.com" → ["a.example.com", "b.example.com"] */
export const splitList = (s: string) => s.split(/[\s,]+/).filter(Boolean);

/** The form of a listener as the draft holds it (Envoy JSON, or GET /api/draft/listeners' item). */
export function listenerToForm(listener: Obj | DraftListenerItem): ListenerFormState {
  const item = "filterChains" in listener ? (listener as DraftListenerItem) : listenerSummary(listener, []);
  const chain = item.filterChains[0];
  const certs = chain?.certificates ?? [];
  const secrets = chain?.secrets ?? [];
  const inline = certs.some((c) => c.certificateChain === null || c.privateKey === null);
  return {
    name: item.name,
    address: item.address,
    port: String(item.port),
    protocol: item.protocol,
    statPrefix: item.statPrefix ?? "",
    // secrets when the chain names some (or the listener is not HTTPS yet, so a switch starts there); files otherwise
    certificateSource: secrets.length > 0 || (certs.length === 0 && item.protocol !== "https") ? "secret" : "files",
    secrets: secrets.length ? [...secrets] : [""],
    certificates: inline || certs.length === 0 ? [newCertificate()] : certs.map((c) => newCertificate(c.certificateChain ?? "", c.privateKey ?? "")),
    serverNames: (chain?.serverNames ?? []).join(", "),
    cluster: item.cluster ?? "",
    inlineCertificates: inline,
  };
}

/** The PUT body the form stands for (before the schema: a port that is not a number stays NaN, to be refused). */
export function formToBody(f: ListenerFormState): Record<string, unknown> {
  const port = parseIntField(f.port);
  const body: Record<string, unknown> = { name: f.name.trim(), address: f.address.trim(), port, protocol: f.protocol };
  if (f.statPrefix.trim()) body.statPrefix = f.statPrefix.trim();
  if (f.protocol === "https") {
    if (f.certificateSource === "secret") body.secrets = [...f.secrets];
    else if (!f.inlineCertificates) body.certificates = f.certificates.map((c) => ({ certificateChain: c.certificateChain, privateKey: c.privateKey }));
    body.serverNames = splitList(f.serverNames);
  }
  if (f.protocol === "tcp" && f.cluster.trim()) body.cluster = f.cluster.trim();
  return body;
}

/**
 * Envoy's Listener JSON for the form on top of `existing` (the listener it edits, as the draft holds it), or
 * the errors that keep it from being one; `primaryVirtualHosts`: virtual hosts on the listener's first chain.
 */
export function formToListener(f: ListenerFormState, existing?: Obj, primaryVirtualHosts = 0): { listener: Obj | null; errors: FieldError[] } {
  const body = ListenerBody.safeParse(formToBody(f));
  if (!body.success) return { listener: null, errors: bodyErrors(body.error.issues) };
  const { listener, issues } = buildListener(body.data, existing, primaryVirtualHosts);
  return { listener, errors: issues };
}

/** Every problem of the form, at its field's path (`port`, `certificates[0].privateKey`, `secrets[0]`); [] when it can be saved. */
export function validateListener(f: ListenerFormState, existing?: Obj, primaryVirtualHosts = 0): FieldError[] {
  const { listener, errors } = formToListener(f, existing, primaryVirtualHosts);
  // the body's own problems first, as the server answers them before it builds anything
  if (listener && errors.length === 0) {
    const parsed = ListenerSchema.safeParse(listener);
    if (!parsed.success) errors.push(...bodyErrors(parsed.error.issues).map((e) => ({ ...e, path: listenerField(e.path) })));
  }
  return errors;
}
