"use client";
// The browser's live channel (GET /api/live, Server-Sent Events): one EventSource for the whole tab, opened while
// some page needs it, each `tick` parsed with the contract's LiveTick and merged into the query cache
// (live-merge.ts). Pages learn whether it is open, so their queries poll instead while it is not.
import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useEffect, useSyncExternalStore } from "react";
import { LiveTick } from "@/lib/contract/live";
import { applyTick } from "./live-merge";

/** `unavailable`: the server refused the stream (not deployed yet, or an error status); retried every 15 s. */
export type LiveState = "connecting" | "open" | "unavailable";

const RETRY_MS = 15_000;
let source: EventSource | null = null;
let users = 0;
let state: LiveState = "connecting";
let retry: ReturnType<typeof setTimeout> | null = null;
const listeners = new Set<() => void>();

function setState(s: LiveState) {
  if (s === state) return;
  state = s;
  for (const l of listeners) l();
}

function onTick(qc: QueryClient, data: string) {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return;
  }
  const tick = LiveTick.safeParse(json);
  if (tick.success) applyTick(qc, tick.data);
}

function open(qc: QueryClient) {
  if (typeof EventSource === "undefined") return setState("unavailable");
  const es = new EventSource("/api/live", { withCredentials: true });
  source = es;
  setState("connecting");
  es.onopen = () => setState("open");
  // the contract names the event `tick`; an unnamed message carries the same payload
  es.addEventListener("tick", (e) => onTick(qc, (e as MessageEvent<string>).data));
  es.onmessage = (e) => onTick(qc, e.data);
  es.onerror = () => {
    // CONNECTING: the browser reconnects by itself; CLOSED: an error status, which it never retries
    if (es.readyState === EventSource.CLOSED) {
      setState("unavailable");
      close();
      retry = setTimeout(() => {
        retry = null;
        if (users > 0) open(qc);
      }, RETRY_MS);
    } else setState("connecting");
  };
}

function close() {
  source?.close();
  source = null;
}

function subscribe(l: () => void) {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** Keeps the live channel open while the calling component is mounted; returns its state. */
export function useLiveTicks(): LiveState {
  const qc = useQueryClient();
  useEffect(() => {
    users++;
    if (!source && !retry) open(qc);
    return () => {
      users--;
      if (users === 0) {
        close();
        if (retry) clearTimeout(retry);
        retry = null;
        state = "connecting";
      }
    };
  }, [qc]);
  return useSyncExternalStore(subscribe, () => state, () => "connecting");
}
