import { withHandler, noContent } from "@/lib/http";
import { UpdateUserBody, User } from "@/lib/contract";
import { changeRole, removeUser } from "@/lib/accounts/account-service";

/** Changes a user's role (admin): {role}. Takes effect on their next request; 409 for the last admin. */
export const PUT = withHandler({ role: "admin", body: UpdateUserBody, response: User }, async ({ params, body, actor }) => changeRole(params.id, body.role, actor));

/** Removes a user (admin): their sessions end at once; 409 for the last admin. */
export const DELETE = withHandler({ role: "admin" }, async ({ params, actor }) => {
  await removeUser(params.id, actor);
  return noContent();
});
