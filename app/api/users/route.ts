import { withHandler, reply } from "@/lib/http";
import { CreateUserBody, User, UserList } from "@/lib/contract";
import { createUser, users } from "@/lib/accounts/account-service";

/** Accounts (admin): [{id, email, name, role, createdAt}]. */
export const GET = withHandler({ role: "admin", response: UserList }, async () => users());

/** Creates an account (admin): {email, name, password ≥ 12 characters, role} → 201 the user; 409 when the email is taken. */
export const POST = withHandler({ role: "admin", body: CreateUserBody, response: User }, async ({ body, actor }) => reply(await createUser(body, actor), 201));
