// A role as stored (a plain string column) to the Role of the contract; anything unknown reads as the least.
import { Role } from "../contract/session";

export function toRole(stored: unknown): Role {
  const r = Role.safeParse(stored);
  return r.success ? r.data : "viewer";
}
