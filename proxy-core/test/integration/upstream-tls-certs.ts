// Test certificates made with the openssl CLI at test time: a CA, a server cert for `upstream.test`
// (signed by the CA) and a client cert (signed by the CA), written to a temp dir removed by `cleanup()`.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface TestCerts {
  dir: string;
  caFile: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCertFile: string;
  clientKeyFile: string;
  /** a second CA that signed nothing we use (for verification failures) */
  otherCa: string;
  cleanup(): void;
}

export function makeCerts(): TestCerts {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "signalbox-tls-"));
  const f = (n: string) => path.join(dir, n);
  const ssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  ssl("req", "-x509", ...ec, "-keyout", f("ca.key"), "-out", f("ca.crt"), "-subj", "/CN=signalbox-test-ca", "-days", "2");
  ssl("req", "-x509", ...ec, "-keyout", f("other.key"), "-out", f("other.crt"), "-subj", "/CN=other-ca", "-days", "2");
  fs.writeFileSync(f("server.ext"), "subjectAltName=DNS:upstream.test\n");
  for (const [name, cn, ext] of [
    ["server", "upstream.test", ["-extfile", f("server.ext")]],
    ["client", "signalbox-client", []],
  ] as const) {
    ssl("req", ...ec, "-keyout", f(`${name}.key`), "-out", f(`${name}.csr`), "-subj", `/CN=${cn}`);
    ssl("x509", "-req", "-in", f(`${name}.csr`), "-CA", f("ca.crt"), "-CAkey", f("ca.key"), "-CAcreateserial", "-out", f(`${name}.crt`), "-days", "2", ...ext);
  }
  const read = (n: string) => fs.readFileSync(f(n), "utf8");
  return {
    dir,
    caFile: f("ca.crt"),
    ca: read("ca.crt"),
    serverCert: read("server.crt"),
    serverKey: read("server.key"),
    clientCertFile: f("client.crt"),
    clientKeyFile: f("client.key"),
    otherCa: read("other.crt"),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
