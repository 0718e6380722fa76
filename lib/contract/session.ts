// Logging in with the admin token (POST/GET/DELETE /api/session).
import { z } from "zod";

export const LoginBody = z.object({ token: z.string().min(1) });
export const Session = z.object({ actor: z.string() });
export type Session = z.infer<typeof Session>;
export const LoggedOut = z.object({ ok: z.literal(true) });
