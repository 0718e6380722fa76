"use client";
import { useMutation } from "@tanstack/react-query";
import { Session } from "@/lib/contract";
import { api } from "./api-client";

/** POST /api/session {token}: exchanges the admin token for the session cookie. */
export function useLoginMutation() {
  return useMutation({
    mutationFn: (token: string) => api.post("/api/session", { token }, Session),
  });
}
