// Node's own HTTP server answering by itself (no proxying, no upstream): the most a single Node process on this
// core serves, and its latency tail at 200 connections. Usage: node node-hello-server.mjs PORT
import http from "node:http";

const [port] = process.argv.slice(2);
http
  .createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    req.resume();
    res.writeHead(200, ["content-type", "text/plain", "content-length", "3"]);
    res.end("ok\n");
  })
  .listen(Number(port), "127.0.0.1");
