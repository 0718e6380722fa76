// Filter-chain selection order and the ClientHello reader (tls_inspector) on a real ClientHello.
import { describe, expect, it } from "vitest";
import net from "node:net";
import tls from "node:tls";
import { FilterChainMatcher } from "../../src/listener/filter-chain-match";
import { peekClientHello } from "../../src/listener/tls-inspector";

const c = (id: string, ...serverNames: string[]) => ({ id, serverNames });

describe("filter chain match by server name", () => {
  const m = new FilterChainMatcher([c("exact", "www.example.com"), c("wild", "*.example.com"), c("deep", "*.b.example.com"), c("com", "*.com"), c("any")], c("default"));
  it("exact, then the most specific wildcard, then the chain without server_names", () => {
    expect(m.select("www.example.com")!.id).toBe("exact");
    expect(m.select("WWW.Example.com")!.id).toBe("exact");
    expect(m.select("x.example.com")!.id).toBe("wild");
    expect(m.select("a.b.example.com")!.id).toBe("deep");
    expect(m.select("foo.com")!.id).toBe("com");
    expect(m.select(".example.com")!.id).toBe("com"); // a wildcard never matches an empty label
    expect(m.select("other.org")!.id).toBe("any");
    expect(m.select("")!.id).toBe("any");
  });
  it("falls back to default_filter_chain, else null (connection closed)", () => {
    expect(new FilterChainMatcher([c("a", "a.test")], c("default")).select("b.test")!.id).toBe("default");
    expect(new FilterChainMatcher([c("a", "a.test")], null).select("b.test")).toBeNull();
  });
});

async function captureClientHello(servername?: string): Promise<Buffer> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const got = new Promise<Buffer>((resolve) =>
    server.once("connection", (s) => {
      let buf = Buffer.alloc(0);
      s.on("data", (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        if (buf.length >= 5 && buf.length >= 5 + buf.readUInt16BE(3)) {
          resolve(buf);
          s.destroy();
        }
      });
    }),
  );
  const client = tls.connect({ host: "127.0.0.1", port: (server.address() as net.AddressInfo).port, servername, rejectUnauthorized: false });
  client.on("error", () => {});
  const hello = await got;
  client.destroy();
  server.close();
  return hello;
}

describe("tls_inspector ClientHello reader", () => {
  it("reads SNI from a real ClientHello, asks for more on a partial one, and tells plaintext apart", async () => {
    const hello = await captureClientHello("api.example.com");
    expect(peekClientHello(hello)).toEqual({ kind: "tls", serverName: "api.example.com" });
    expect(peekClientHello(hello.subarray(0, 3))).toEqual({ kind: "more" });
    expect(peekClientHello(hello.subarray(0, hello.length - 1))).toEqual({ kind: "more" });
    expect(peekClientHello(await captureClientHello())).toEqual({ kind: "tls", serverName: "" });
    expect(peekClientHello(Buffer.from("GET / HTTP/1.1\r\n"))).toEqual({ kind: "not_tls" });
  });
});
