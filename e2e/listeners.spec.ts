// A second listener, made in the UI: an HTTPS listener with openssl-made certificate files and an SNI name,
// checked as you type, a virtual host added in its side panel, a route to it from the Routes page, published
// through Review & publish, and then a real TLS request to the new port answered by the upstream. Real console
// and worker, real Chromium.
import https from "node:https";
import type tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { login, screenshot, waitFor } from "./fixtures";
import { staticCluster, useScene } from "./scene";
import { makeCertDir, selfSigned, signed, type CertSet } from "../proxy-core/test/fixtures/certs";

const scene = useScene({
  upstreams: { secure: "answer over TLS" },
  edge: true,
  live: (doc, { up }) => {
    doc.static_resources.clusters.push(staticCluster("secure", up.secure.port));
  },
  message: "e2e: a cluster for the HTTPS listener",
});

let certs: CertSet;
beforeAll(() => {
  certs = makeCertDir();
  selfSigned(certs.dir, "ca", "e2e CA");
  signed(certs.dir, "edge", "ca", "secure.test");
});
afterAll(() => certs?.cleanup());

function overTls(port: number, path: string): Promise<{ status: number; body: string; protocol: string | null }> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: "127.0.0.1", port, path, servername: "secure.test", headers: { host: "secure.test" }, ca: certs.read("ca.crt"), agent: false }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, protocol: (res.socket as tls.TLSSocket).getProtocol() }));
    });
    req.on("error", reject);
    req.setTimeout(3000, () => req.destroy(new Error("timeout")));
  });
}

describe("Listeners", () => {
  it("adds an HTTPS listener with a virtual host in the UI, and once published it serves over TLS", async () => {
    const { app, page, edgePort } = scene;
    await login(page, app, false);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Listeners", exact: true }).click();
    await page.getByTestId("listener-row").filter({ hasText: "main" }).waitFor();

    // ---- the listener: HTTPS on the edge port, checked as you type
    await page.getByRole("button", { name: "Add listener" }).click();
    const panel = page.getByRole("dialog", { name: "New listener" });
    await panel.getByLabel("Name").fill("edge");
    await panel.getByLabel("Protocol").selectOption("https");
    await panel.getByLabel("Address").fill("127.0.0.1");
    await panel.getByLabel("Port").fill("0");
    await panel.getByText("must be a port between 1 and 65535").waitFor();
    await panel.getByLabel("Port").fill(String(edgePort));
    // (the port's error goes once typing pauses: a click while it is shown would land where the layout was)
    await panel.getByText("must be a port between 1 and 65535").waitFor({ state: "detached" });
    // a new HTTPS listener takes a TLS secret by default (e2e/secrets.spec.ts); this one names files on the worker
    await panel.getByRole("radio", { name: "Files on every worker" }).check();
    await panel.getByLabel("Certificate chain file").fill(certs.file("edge.crt"));
    await panel.getByLabel("Private key file").fill("");
    await panel.getByLabel("Private key file").blur();
    await panel.getByText("the private key's file path is required").waitFor();
    await panel.getByLabel("Private key file").fill(certs.file("edge.key"));
    await panel.getByLabel("Server names (SNI)").fill("secure.test");
    await panel.getByRole("button", { name: "Create listener" }).click();

    // ---- its virtual host, in the same panel once the listener exists
    const edit = page.getByRole("dialog", { name: "Edit listener edge" });
    await edit.getByText("No virtual hosts yet").waitFor();
    await edit.getByRole("button", { name: "+ Add virtual host" }).click();
    const vhost = edit.getByRole("form", { name: "New virtual host" });
    await vhost.getByLabel("Name").fill("secure");
    await vhost.getByLabel("Domains").fill("secure.test");
    await vhost.getByRole("button", { name: "Add virtual host" }).click();
    await edit.getByRole("form", { name: "Virtual host secure" }).getByText("0 routes").waitFor();
    await screenshot(page, "listener-panel");
    await edit.getByRole("button", { name: "Close" }).last().click();

    const row = page.getByTestId("listener-row").filter({ hasText: "edge" });
    await row.getByText(certs.file("edge.crt")).waitFor();
    expect(await row.innerText()).toMatch(/HTTPS[\s\S]*secure\.test/);
    await screenshot(page, "listeners");

    // ---- a route on it: the Routes page offers the new virtual host although it has no route yet
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Routes", exact: true }).click();
    await page.getByRole("button", { name: "Add route" }).first().click();
    const form = page.getByRole("dialog", { name: "New route" });
    await form.getByLabel("Virtual host").selectOption({ label: "edge / secure (secure.test)" });
    await form.getByLabel("Path prefix", { exact: true }).fill("/");
    await form.getByLabel("Target cluster").selectOption("secure");
    await form.getByRole("button", { name: "Create route" }).click();
    await form.waitFor({ state: "detached" });
    const draft = await app.api<{ listener: string; virtualHost: string }[]>("/api/draft/routes");
    expect(draft.filter((r) => r.listener === "edge")).toEqual([expect.objectContaining({ virtualHost: "secure" })]);

    // ---- publish, follow it to applied
    await page.getByRole("button", { name: "Review & publish" }).click();
    const drawer = page.getByRole("dialog", { name: "Review & publish" });
    await drawer.getByLabel("Message").fill("e2e: HTTPS listener edge");
    await drawer.getByLabel("Message").press("Enter");
    const done = page.getByRole("dialog", { name: "Published" });
    await done.getByTestId("rollout-local").getByText("applied ✓").waitFor({ timeout: 30_000 });

    // ---- a real TLS request to the new port, for its SNI name
    const answer = await waitFor("the HTTPS listener to answer", () => overTls(edgePort, "/hello").catch(() => null), 15_000);
    expect(answer).toMatchObject({ status: 200, body: "answer over TLS" });
    expect(answer.protocol).toMatch(/^TLSv1\.[23]$/);
  });
});
