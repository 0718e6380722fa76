"use client";
import { useMutation } from "@tanstack/react-query";
import { Session, SetupState, type LoginBody, type SetupBody } from "@/lib/contract";
import { api } from "./api-client";

/** POST /api/session {email, password}: signs in and sets the session cookie. */
export function useLoginMutation() {
  return useMutation({
    mutationFn: (body: LoginBody) => api.post("/api/session", body, Session),
  });
}

/** POST /api/setup {email, name, password}: creates the first admin and signs them in. */
export function useSetupMutation() {
  return useMutation({
    mutationFn: (body: SetupBody) => api.post("/api/setup", body, Session),
  });
}

export { SetupState };
