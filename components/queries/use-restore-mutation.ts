"use client";
// POST /api/restore with a backup file's text as the body, sent as it is (not re-serialized), so the server's
// checks (JSON, format, sha256, counts) judge the very bytes the user picked. `dryRun` only checks.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ErrorBody } from "@/lib/contract/common";
import { RestoreResult } from "@/lib/contract/backup";
import { ApiError, loginUrl } from "./api-client";

async function postRestore(text: string, dryRun: boolean): Promise<RestoreResult> {
  let res: Response;
  try {
    res = await fetch(`/api/restore${dryRun ? "?dryRun=true" : ""}`, {
      method: "POST", credentials: "same-origin", headers: { accept: "application/json", "content-type": "application/json" }, body: text,
    });
  } catch (e) {
    throw new ApiError(0, "NETWORK", `Cannot reach the console (${(e as Error).message})`);
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    if (res.status === 401) window.location.assign(loginUrl());
    const err = ErrorBody.safeParse(body);
    if (!err.success) throw new ApiError(res.status, `HTTP_${res.status}`, res.statusText || `HTTP ${res.status}`);
    throw new ApiError(res.status, err.data.error.code, err.data.error.message, err.data.errors ?? [], body);
  }
  const parsed = RestoreResult.safeParse(body);
  if (!parsed.success) throw new ApiError(res.status, "CONTRACT", "POST /api/restore answered an unexpected shape");
  return parsed.data;
}

/** Checks a backup file against this console without writing anything (what the file holds, whether it can go in). */
export function useRestoreCheckMutation() {
  return useMutation({ mutationFn: (text: string) => postRestore(text, true) });
}

/** Restores it; everything cached describes the store that was replaced, so all of it is refetched. */
export function useRestoreMutation() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: (text: string) => postRestore(text, false), onSuccess: () => qc.invalidateQueries() });
}
