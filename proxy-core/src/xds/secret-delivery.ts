// The secrets the console delivers (protocol.ts SecretsMessage: Envoy's SDS over ADS, a full set each time),
// checked before the worker takes them: each is a valid Secret (config/schema-secret.ts), names are unique, and
// the PEM loads (a certificate with its own key, CAs that parse), so a bad rotation is refused with the secret's
// name and node's reason while the previous set keeps serving. Nothing here ever puts PEM in a message.
import tls from "node:tls";
import { z } from "zod";
import { Secret } from "../config/schema";
import { zodIssues } from "../config/issues";
import { formatIssues } from "../config/validate";
import { secretKinds } from "../config/validate-secrets";

const SecretList = z.array(Secret);

export type SecretCheck = { ok: true; secrets: Secret[] } | { ok: false; error: string };

/** Validates a delivered set; the error lists every problem as `secrets[i]…: message` lines. */
export function checkDeliveredSecrets(input: unknown): SecretCheck {
  const parsed = SecretList.safeParse(input);
  if (!parsed.success) return { ok: false, error: formatIssues(zodIssues(parsed.error, input, "secrets")) };
  const secrets = parsed.data;
  const problems = secretKinds(secrets, "secrets").issues;
  secrets.forEach((s, i) => {
    try {
      // a certificate whose key does not match, or PEM that does not parse, is refused now, not at a handshake
      if (s.tls_certificate) tls.createSecureContext({ cert: s.tls_certificate.certificate_chain.inline_string, key: s.tls_certificate.private_key.inline_string });
      else if (s.validation_context) tls.createSecureContext({ ca: s.validation_context.trusted_ca.inline_string });
    } catch (err) {
      problems.push({ path: `secrets[${i}]`, message: `secret "${s.name}": ${(err as Error).message}` });
    }
  });
  return problems.length ? { ok: false, error: formatIssues(problems) } : { ok: true, secrets };
}

/** Names of the secrets added, removed or changed between two sets. */
export function changedSecrets(prev: readonly Secret[], next: readonly Secret[]): Set<string> {
  const before = new Map(prev.map((s) => [s.name, JSON.stringify(s)]));
  const after = new Map(next.map((s) => [s.name, JSON.stringify(s)]));
  const changed = new Set<string>();
  for (const [name, body] of after) if (before.get(name) !== body) changed.add(name);
  for (const name of before.keys()) if (!after.has(name)) changed.add(name);
  return changed;
}

/** `resources` with `secrets` in place of any it carried: what the worker validates and applies. */
export function withSecrets(resources: unknown, secrets: readonly Secret[]): unknown {
  return { ...(resources as object), secrets };
}

/** The secrets a cached snapshot was applied with (the cache holds merged resources), [] when it has none. */
export function cachedSecrets(resources: unknown): Secret[] {
  const parsed = SecretList.safeParse((resources as { secrets?: unknown } | null)?.secrets ?? []);
  return parsed.success ? parsed.data : [];
}
