import { withHandler, reply } from "@/lib/http";
import { CreateSecretBody, SecretInfo, SecretList } from "@/lib/contract/secrets";
import { createSecret, listSecrets } from "@/lib/secrets/secret-service";
import { warnExpiringSecrets } from "@/lib/secrets/expiry-watch";

/** Every TLS secret's facts (subject, names, expiry, where it is used); never its PEM. */
export const GET = withHandler({ response: SecretList }, async () => listSecrets());

/** Uploads a secret: checked (the key must match the leaf), sealed with the console's key; 201 with its facts. */
export const POST = withHandler({ body: CreateSecretBody, response: SecretInfo }, async ({ body, actor }) => {
  const created = await createSecret(body, actor);
  // one already inside the warning window is in the event feed now, not at the next hourly check
  void warnExpiringSecrets();
  return reply(created, 201);
});
