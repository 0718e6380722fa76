// Baseline: the `http-proxy` package with a keep-alive agent (its recommended setup).
import http from "node:http";
import httpProxy from "http-proxy";

const [port, upstream] = [Number(process.argv[2]), process.argv[3]];
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const proxy = httpProxy.createProxyServer({ target: upstream, agent });
proxy.on("error", (_err, _req, res) => {
  res.writeHead?.(502);
  res.end?.();
});
http.createServer((req, res) => proxy.web(req, res)).listen(port, "127.0.0.1");
