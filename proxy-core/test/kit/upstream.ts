// The one real upstream every test layer starts: a node:http server on 127.0.0.1 (listen(0) and kept: nothing has
// to name its port before it is bound) that records every request it gets, then answers a fixed text, a text made
// from the request, or whatever `handler` does.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface UpstreamOptions {
  /** the text/plain body of every answer: fixed, or made from the request (default: "ok") */
  body?: string | ((req: http.IncomingMessage) => string);
  /** the status of every answer (default 200) */
  status?: number;
  /** answers instead of `body` and `status` (the request is still recorded) */
  handler?: http.RequestListener;
}

export interface Upstream {
  port: number;
  server: http.Server;
  /** every request, in the order it came */
  seen: http.IncomingMessage[];
  /** the URL of every request, in the order it came (`hits.length` is how many came) */
  hits: string[];
  /** closes every connection and the server */
  close(): Promise<void>;
}

export async function startUpstream(opts: UpstreamOptions = {}): Promise<Upstream> {
  const seen: http.IncomingMessage[] = [];
  const hits: string[] = [];
  const { body = "ok", status = 200, handler } = opts;
  const server = http.createServer((req, res) => {
    seen.push(req);
    hits.push(req.url ?? "");
    if (handler) return handler(req, res);
    // read the request to its end, so a client that sent a body gets its answer on a clean connection
    req.resume();
    res.writeHead(status, { "content-type": "text/plain" });
    res.end(typeof body === "function" ? body(req) : body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as AddressInfo).port,
    server,
    seen,
    hits,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
