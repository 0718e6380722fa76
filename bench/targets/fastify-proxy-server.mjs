// Baseline: fastify + @fastify/http-proxy (undici under the hood), logging off.
import Fastify from "fastify";
import proxy from "@fastify/http-proxy";

const [port, upstream] = [Number(process.argv[2]), process.argv[3]];
const app = Fastify({ logger: false });
await app.register(proxy, { upstream, http2: false });
await app.listen({ port, host: "127.0.0.1" });
