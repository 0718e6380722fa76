import { withHandler } from "@/lib/http";
import { DeletedSecret, SecretInfo, SecretMaterialBody } from "@/lib/contract/secrets";
import { removeSecret, rotateSecret } from "@/lib/secrets/secret-service";

/** Rotates a secret: new PEM of the same kind; workers using it switch without restarting their listeners. */
export const PUT = withHandler({ body: SecretMaterialBody, response: SecretInfo }, async ({ body, actor, params }) => rotateSecret(params.name, body, actor));

/** Deletes a secret; 409 naming the drafts and running versions that still reference it. */
export const DELETE = withHandler({ response: DeletedSecret }, async ({ actor, params }) => {
  await removeSecret(params.name, actor);
  return { name: params.name, deleted: true as const };
});
