"use client";
// My second factor (/api/account/two-factor) and the single sign-on settings (/api/settings/sso, admin).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { SsoSettings, TwoFactorSetup, TwoFactorStatus, type SsoSettingsBody } from "@/lib/contract/accounts";
import { api } from "./api-client";

const TWO_FACTOR = ["account", "two-factor"] as const;
const SSO = ["settings", "sso"] as const;

export function useTwoFactorQuery() {
  return useQuery({ queryKey: TWO_FACTOR, queryFn: () => api.get("/api/account/two-factor", TwoFactorStatus) });
}

/** {password}: a new key and backup codes, active once confirmed with a code. */
export function useBeginTwoFactor() {
  return useMutation({ mutationFn: (password: string) => api.post("/api/account/two-factor", { password }, TwoFactorSetup) });
}

export function useConfirmTwoFactor() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (code: string) => api.post("/api/account/two-factor/confirm", { code }, TwoFactorStatus),
    onSuccess: (s) => qc.setQueryData(TWO_FACTOR, s),
  });
}

export function useDisableTwoFactor() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (password: string) => api.post("/api/account/two-factor/disable", { password }, TwoFactorStatus),
    onSuccess: (s) => qc.setQueryData(TWO_FACTOR, s),
  });
}

export function useSsoSettingsQuery() {
  return useQuery({ queryKey: SSO, queryFn: () => api.get("/api/settings/sso", SsoSettings) });
}

export function useSaveSsoSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: SsoSettingsBody) => api.put("/api/settings/sso", body, SsoSettings),
    onSuccess: (s) => qc.setQueryData(SSO, s),
  });
}
