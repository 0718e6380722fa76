import { withHandler, noContent } from "@/lib/http";
import { PatchUserBody, UpdateUserBody, User } from "@/lib/contract";
import { changeRole, removeUser, updateUser } from "@/lib/accounts/account-service";

/** Changes a user's role (admin): {role}. Takes effect on their next request; 409 for the last admin. */
export const PUT = withHandler({ role: "admin", body: UpdateUserBody, response: User }, async ({ params, body, actor }) => changeRole(params.id, body.role, actor));

/**
 * Changes what is given (admin): {role?, environments?: string[] | null}, `environments` being the environments an
 * editor may change (existing names; null or [] for every one). Takes effect on their next request; 400 naming the
 * field for an unknown environment, 409 for the last admin.
 */
export const PATCH = withHandler({ role: "admin", body: PatchUserBody, response: User }, async ({ params, body, actor }) => updateUser(params.id, body, actor));

/** Removes a user (admin): their sessions end at once; 409 for the last admin. */
export const DELETE = withHandler({ role: "admin" }, async ({ params, actor }) => {
  await removeUser(params.id, actor);
  return noContent();
});
