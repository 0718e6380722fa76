"use client";
// TLS secrets: the list (facts only: subject, names, expiry, users), uploading one, rotating one (new PEM, same
// kind) and deleting one (refused with 409 while a draft or a running version references it).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { DeletedSecret, SecretInfo, SecretList, type CreateSecretBody, type SecretMaterialBody } from "@/lib/contract/secrets";
import { api } from "./api-client";
import { queryKeys } from "./keys";

const path = (name: string) => `/api/secrets/${encodeURIComponent(name)}`;

export function useSecretsQuery() {
  return useQuery({ queryKey: queryKeys.secrets(), queryFn: () => api.get("/api/secrets", SecretList) });
}

export function useCreateSecret() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateSecretBody) => api.post("/api/secrets", body, SecretInfo),
    onSettled: () => qc.invalidateQueries({ queryKey: queryKeys.secrets(), exact: true }),
  });
}

export function useRotateSecret() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ name, body }: { name: string; body: SecretMaterialBody }) => api.put(path(name), body, SecretInfo),
    onSettled: () => qc.invalidateQueries({ queryKey: queryKeys.secrets(), exact: true }),
  });
}

export function useDeleteSecret() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api.write("DELETE", path(name), undefined, DeletedSecret, null).then((r) => r.data),
    onSettled: () => qc.invalidateQueries({ queryKey: queryKeys.secrets(), exact: true }),
  });
}
