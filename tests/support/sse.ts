// A Server-Sent Events client for tests (what a browser's EventSource does, minus reconnects): messages are
// collected as they arrive; `close()` aborts the request, as a closed tab does.
export interface SseMessage {
  event: string;
  data: string;
}

export interface SseStream {
  status: number;
  headers: Headers;
  messages: SseMessage[];
  /** resolves once `n` messages arrived in all, or null after `timeoutMs` */
  waitFor(n: number, timeoutMs?: number): Promise<SseMessage[] | null>;
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const ac = new AbortController();
  const res = await fetch(url, { headers: { accept: "text/event-stream", ...headers }, signal: ac.signal });
  const messages: SseMessage[] = [];
  const waiters = new Set<() => void>();
  if (res.body) {
    void (async () => {
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let buf = "";
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += decoder.decode(value, { stream: true });
          let i: number;
          while ((i = buf.indexOf("\n\n")) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            let event = "message";
            const data: string[] = [];
            for (const line of block.split("\n")) {
              if (line.startsWith("event:")) event = line.slice(6).trim();
              else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
            }
            if (data.length) messages.push({ event, data: data.join("\n") });
            for (const w of waiters) w();
          }
        }
      } catch {
        /* aborted */
      }
    })();
  }
  return {
    status: res.status,
    headers: res.headers,
    messages,
    waitFor(n, timeoutMs = 10_000) {
      if (messages.length >= n) return Promise.resolve(messages.slice(0, n));
      return new Promise((resolve) => {
        const done = () => {
          if (messages.length < n) return;
          waiters.delete(done);
          clearTimeout(t);
          resolve(messages.slice(0, n));
        };
        const t = setTimeout(() => {
          waiters.delete(done);
          resolve(null);
        }, timeoutMs);
        waiters.add(done);
      });
    },
    close: () => ac.abort(),
  };
}
