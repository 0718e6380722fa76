// The "ceiling" reference for a Node proxy: a minimal proxy on node:http plus undici's low-level Pool.dispatch with
// a raw-header handler (no streams wrapper, no routing, no stats). Usage: node minimal-proxy-server.mjs PORT ORIGIN
import http from "node:http";
import { Pool } from "undici";

const [port, origin] = process.argv.slice(2);
const pool = new Pool(origin, { connections: 256, pipelining: 1, keepAliveTimeout: 60_000 });
const HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection", "te", "trailer"]);

class Handler {
  constructor(res) {
    this.res = res;
  }
  onConnect() {}
  onHeaders(status, raw) {
    const out = [];
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i].toString("latin1");
      if (!HOP.has(name.toLowerCase())) out.push(name, raw[i + 1].toString("latin1"));
    }
    this.res.writeHead(status, out);
    return true;
  }
  onData(chunk) {
    return this.res.write(chunk);
  }
  onComplete() {
    this.res.end();
  }
  onError() {
    if (this.res.headersSent) this.res.destroy();
    else {
      this.res.statusCode = 502;
      this.res.end();
    }
  }
}

http
  .createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    const raw = req.rawHeaders;
    const headers = [];
    for (let i = 0; i < raw.length; i += 2) if (!HOP.has(raw[i].toLowerCase())) headers.push(raw[i], raw[i + 1]);
    const hasBody = req.headers["content-length"] !== undefined || req.headers["transfer-encoding"] !== undefined;
    if (!hasBody) req.resume();
    pool.dispatch({ path: req.url, method: req.method, headers, body: hasBody ? req : null }, new Handler(res));
  })
  .listen(Number(port), "127.0.0.1");
