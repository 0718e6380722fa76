"use client";
import { useMutation } from "@tanstack/react-query";
import { Session, SetupState, SocialSignIn, TwoFactorRequired, SSO_PROVIDER_ID, type LoginBody, type SetupBody, type TwoFactorSignInBody } from "@/lib/contract";
import { api } from "./api-client";

/** POST /api/session {email, password}: signs in and sets the session cookie, or asks for the TOTP code. */
export function useLoginMutation() {
  return useMutation({
    mutationFn: (body: LoginBody) => api.post("/api/session", body, Session.or(TwoFactorRequired)),
  });
}

/** POST /api/session/two-factor {code, backup?}: the code step of a sign-in with TOTP on. */
export function useTwoFactorSignIn() {
  return useMutation({
    mutationFn: (body: TwoFactorSignInBody) => api.post("/api/session/two-factor", body, Session),
  });
}

/** Starts a single sign-on: better-auth answers the provider's authorization URL (state and PKCE cookies set). */
export function useSsoSignIn() {
  return useMutation({
    mutationFn: (next: string) => api.post("/api/auth/sign-in/social", { provider: SSO_PROVIDER_ID, callbackURL: next, errorURL: "/login" }, SocialSignIn),
  });
}

/** POST /api/setup {email, name, password}: creates the first admin and signs them in. */
export function useSetupMutation() {
  return useMutation({
    mutationFn: (body: SetupBody) => api.post("/api/setup", body, Session),
  });
}

export { SetupState };
