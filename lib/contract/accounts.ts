// Accounts and their sessions: /api/users (admin), /api/sessions (mine), /api/users/{id}/sessions (admin).
import { z } from "zod";
import { IsoTime } from "./common";
import { Email, Password, Role } from "./session";

export const User = z.object({ id: z.string(), email: z.string(), name: z.string(), role: Role, createdAt: IsoTime });
export type User = z.infer<typeof User>;
export const UserList = z.array(User);

export const CreateUserBody = z.object({ email: Email, name: z.string().trim().min(1, { message: "is required" }).max(100), password: Password, role: Role });
export type CreateUserBody = z.infer<typeof CreateUserBody>;
export const UpdateUserBody = z.object({ role: Role });
export type UpdateUserBody = z.infer<typeof UpdateUserBody>;

export const SessionInfo = z.object({
  id: z.string(),
  createdAt: IsoTime,
  /** when the session was last extended (at most once an hour while it is in use) */
  lastUsedAt: IsoTime,
  expiresAt: IsoTime,
  /** the address it signed in from */
  address: z.string().nullable(),
  userAgent: z.string().nullable(),
  /** the session this request came with */
  current: z.boolean(),
});
export type SessionInfo = z.infer<typeof SessionInfo>;
export const SessionList = z.array(SessionInfo);
export const RevokedSessions = z.object({ revoked: z.number().int().nonnegative() });
