"use client";
// The route tester's call (POST /api/routes/explain): a request explained against the draft and the live version.
// A mutation rather than a query: nothing is cached, each Enter asks again with what the form holds.
import { useMutation } from "@tanstack/react-query";
import { ExplainResponse, type ExplainBody } from "@/lib/contract/explain";
import { api } from "./api-client";

export function useExplainMutation() {
  return useMutation({ mutationFn: (body: ExplainBody) => api.post("/api/routes/explain", body, ExplainResponse) });
}
