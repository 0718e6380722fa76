// TLS secrets in the console, with certificates made by openssl here: uploaded in Settings → TLS secrets (read
// from files in the browser) and listed with their expiry; a key that is not the certificate's refused next to
// its field; one expiring in 10 days uploaded from the listener form and chosen for a new HTTPS listener; the
// Listeners page showing the secret, its date and the 30-day warning; once published, the worker presenting that
// certificate in a real TLS handshake; the key's PEM never in the page after an upload; a rotation clearing the
// warning and switching the worker's certificate without a publish; a delete refused while the listener uses the
// secret. Real console and worker, real Chromium.
import { X509Certificate } from "node:crypto";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import tls from "node:tls";
import os from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { screenshot, waitFor } from "./fixtures";
import { useScene } from "./scene";

const scene = useScene({ upstreams: {}, edge: true, login: true });

let dir: string;
const file = (name: string) => path.join(dir, name);
const read = (name: string) => fs.readFileSync(file(name), "utf8");

/** A self-signed certificate `<name>.crt` and its key `<name>.key` for `cn`, valid for `days`. */
function certificate(name: string, cn: string, days: number) {
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", String(days), "-subj", `/CN=${cn}`, "-addext", `subjectAltName=DNS:${cn}`, "-keyout", file(`${name}.key`), "-out", file(`${name}.crt`)],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
}

/** The certificate's notAfter as openssl reads it, as the console shows it: YYYY-MM-DD (UTC). */
function endDate(name: string): string {
  const out = execFileSync("openssl", ["x509", "-enddate", "-noout", "-in", file(`${name}.crt`)], { encoding: "utf8" });
  return new Date(out.replace(/^notAfter=/, "").trim()).toISOString().slice(0, 10);
}

/** The SHA-256 fingerprint of the certificate the worker presents on `port` for SNI `servername`. */
function servedFingerprint(port: number, servername: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port, servername, rejectUnauthorized: false }, () => {
      const fp = socket.getPeerCertificate().fingerprint256;
      socket.destroy();
      resolve(fp);
    });
    socket.on("error", reject);
    socket.setTimeout(3000, () => socket.destroy(new Error("timeout")));
  });
}
const fingerprintOf = (name: string) => new X509Certificate(read(`${name}.crt`)).fingerprint256;

/** A line from the middle of a PEM key: what must never reach the page once it is uploaded. */
const keyBody = (name: string) => read(`${name}.key`).split("\n")[5]!;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "signalbox-e2e-secrets-"));
  certificate("year", "www.secure.test", 365);
  certificate("soon", "soon.secure.test", 10);
  certificate("renewed", "soon.secure.test", 365);
});
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function expectNoKeyInPage(page: Page, ...names: string[]) {
  const html = await page.content();
  for (const n of names) expect(html.includes(keyBody(n)), `the private key of ${n} is in the page`).toBe(false);
}

describe("TLS secrets", () => {
  it("uploads, lists with expiry, refuses a mismatched key, serves a listener, warns, rotates and refuses a delete in use", async () => {
    const { app, page, edgePort } = scene;

    // ---- Settings → TLS secrets, from the Settings page's links
    await page.goto(app.url + "/settings");
    await page.getByRole("link", { name: "TLS secrets" }).click();
    await page.getByRole("heading", { name: "TLS secrets", exact: true }).waitFor();
    await page.getByText("No TLS secrets yet").waitFor();

    // ---- upload: the chain read from its file in the browser, first with another certificate's key
    await page.getByRole("button", { name: "Upload secret" }).first().click();
    const upload = page.getByRole("dialog", { name: "Upload a TLS secret" });
    await upload.getByLabel("Name").fill("www-cert");
    await upload.getByLabel("Certificate chain (PEM) file").setInputFiles(file("year.crt"));
    await expect.poll(() => upload.getByLabel("Certificate chain (PEM)", { exact: true }).inputValue()).toBe(read("year.crt"));
    await upload.getByLabel("Private key (PEM)", { exact: true }).fill(read("soon.key"));
    await upload.getByRole("button", { name: "Upload secret" }).click();
    const keyError = upload.getByText("the private key does not belong to the first certificate of certificate_chain");
    await keyError.waitFor();
    // the error is the key field's own (aria-describedby), not a banner
    expect(await upload.getByLabel("Private key (PEM)", { exact: true }).getAttribute("aria-invalid")).toBe("true");
    await screenshot(page, "secrets-upload-refused");
    expect((await app.api<unknown[]>("/api/secrets")).length).toBe(0);

    await upload.getByLabel("Private key (PEM) file").setInputFiles(file("year.key"));
    await keyError.waitFor({ state: "detached" });
    await upload.getByRole("button", { name: "Upload secret" }).click();
    await upload.waitFor({ state: "detached" });
    const www = page.getByTestId("secret-row").filter({ hasText: "www-cert" });
    await www.getByText(endDate("year")).waitFor();
    expect(await www.innerText()).toMatch(/CN=www\.secure\.test[\s\S]*www\.secure\.test[\s\S]*unused[\s\S]*never/);
    expect(await www.innerText()).not.toMatch(/expires in/);
    await expectNoKeyInPage(page, "year");

    // ---- a new HTTPS listener takes a secret by default; one is uploaded from the form and chosen
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Listeners", exact: true }).click();
    await page.getByTestId("listener-row").filter({ hasText: "main" }).waitFor();
    await page.getByRole("button", { name: "Add listener" }).click();
    const panel = page.getByRole("dialog", { name: "New listener" });
    await panel.getByLabel("Name").fill("edge");
    await panel.getByLabel("Protocol").selectOption("https");
    await panel.getByLabel("Address").fill("127.0.0.1");
    await panel.getByLabel("Port").fill(String(edgePort));
    expect(await panel.getByRole("radio", { name: "Secret (uploaded to the console)" }).isChecked()).toBe(true);
    const select = panel.getByLabel("Secret", { exact: true });
    // nothing chosen: refused next to the select
    await panel.getByRole("button", { name: "Create listener" }).click();
    await panel.getByText("choose a secret", { exact: true }).waitFor();
    expect(await select.getAttribute("aria-invalid")).toBe("true");

    await panel.getByRole("button", { name: "Upload a secret…" }).click();
    const fromForm = page.getByRole("dialog", { name: "Upload a TLS secret" });
    // the listener form asks for a certificate: no kind to pick
    expect(await fromForm.getByLabel("Kind").count()).toBe(0);
    await fromForm.getByLabel("Name").fill("soon-cert");
    await fromForm.getByLabel("Certificate chain (PEM)", { exact: true }).fill(read("soon.crt"));
    await fromForm.getByLabel("Private key (PEM)", { exact: true }).fill(read("soon.key"));
    await fromForm.getByLabel("Private key (PEM)", { exact: true }).press("Tab");
    await fromForm.getByRole("button", { name: "Upload secret" }).click();
    await fromForm.waitFor({ state: "detached" });
    await expect.poll(() => select.inputValue()).toBe("soon-cert");
    expect(await select.locator("option:checked").innerText()).toMatch(new RegExp(`^soon-cert — CN=soon\\.secure\\.test — expires ${endDate("soon")} \\(expires in (9|10) days\\)$`));
    await panel.getByText("choose a secret", { exact: true }).waitFor({ state: "detached" });
    await panel.getByLabel("Server names (SNI)").fill("soon.secure.test");
    // typing elsewhere right after must not bring back the message of the value before the secret was chosen
    expect(await panel.getByText("choose a secret", { exact: true }).count()).toBe(0);
    await screenshot(page, "listener-secret-form");
    await panel.getByRole("button", { name: "Create listener" }).click();
    const edit = page.getByRole("dialog", { name: "Edit listener edge" });
    await edit.waitFor();
    await edit.getByRole("button", { name: "Close" }).last().click();
    await edit.waitFor({ state: "detached" });
    await expectNoKeyInPage(page, "year", "soon");

    // the draft names the secret the way Envoy takes it over ADS
    const draft = await app.api<{ name: string; listener: { filter_chains: { transport_socket: { typed_config: { common_tls_context: unknown } } }[] } }[]>("/api/draft/listeners");
    expect(draft.find((l) => l.name === "edge")!.listener.filter_chains[0].transport_socket.typed_config.common_tls_context).toEqual({
      tls_certificate_sds_secret_configs: [{ name: "soon-cert", sds_config: { ads: {} } }],
    });

    // ---- the Listeners page: the secret by name, its date, the 30-day warning, and the banner above the table
    const row = page.getByTestId("listener-row").filter({ hasText: "edge" });
    const cell = row.getByTestId("listener-secret");
    await cell.getByText("soon-cert").waitFor();
    expect(await cell.innerText()).toMatch(new RegExp(`soon-cert\\s+expires ${endDate("soon")}\\s+expires in (9|10) days`));
    const banner = page.getByTestId("expiry-banner");
    expect(await banner.innerText()).toMatch(/expires within 30 days[\s\S]*soon-cert[\s\S]*used by edge/);
    // the starter's listener has no certificate
    expect(await page.getByTestId("listener-row").filter({ hasText: "main" }).getByTestId("listener-secret").count()).toBe(0);
    await screenshot(page, "listeners-secret-expiry");

    // ---- published, the worker presents the secret's certificate (its material came over its session)
    await page.getByRole("button", { name: "Review & publish" }).click();
    const drawer = page.getByRole("dialog", { name: "Review & publish" });
    await drawer.getByLabel("Message").fill("e2e: HTTPS listener edge with secret soon-cert");
    await drawer.getByLabel("Message").press("Enter");
    const published = page.getByRole("dialog", { name: "Published" });
    await published.getByTestId("rollout-local").getByText("applied ✓").waitFor({ timeout: 30_000 });
    await published.getByRole("button", { name: "Close" }).last().click();
    const served = await waitFor("the HTTPS listener to handshake", () => servedFingerprint(edgePort, "soon.secure.test").catch(() => null), 15_000);
    expect(served).toBe(fingerprintOf("soon"));

    // ---- Settings: who uses it; a delete is refused while the listener does
    await page.goto(app.url + "/settings/secrets");
    const soon = page.getByTestId("secret-row").filter({ hasText: "soon-cert" });
    await soon.getByText("listener edge (default, draft)").waitFor();
    await soon.getByText("listener edge (default)", { exact: true }).waitFor();
    expect(await soon.innerText()).toMatch(/expires in (9|10) days/);
    await soon.getByRole("button", { name: "Delete soon-cert" }).click();
    const confirm = page.getByRole("dialog", { name: "Delete secret soon-cert?" });
    await confirm.getByRole("button", { name: "Delete secret" }).click();
    await confirm.getByRole("alert").getByText(/secret soon-cert is in use by listener edge \(default, draft\)/).waitFor();
    await screenshot(page, "secrets-delete-refused");
    await confirm.getByRole("button", { name: "Cancel" }).click();
    expect((await app.api<{ name: string }[]>("/api/secrets")).map((s) => s.name).sort()).toEqual(["soon-cert", "www-cert"]);

    // ---- rotate it with a renewed certificate (same name, same listener): the warning goes
    await soon.getByRole("button", { name: "Rotate soon-cert" }).click();
    const rotate = page.getByRole("dialog", { name: "Rotate secret soon-cert" });
    await rotate.getByLabel("Certificate chain (PEM) file").setInputFiles(file("renewed.crt"));
    await rotate.getByLabel("Private key (PEM) file").setInputFiles(file("renewed.key"));
    await expect.poll(() => rotate.getByLabel("Private key (PEM)", { exact: true }).inputValue()).toBe(read("renewed.key"));
    await rotate.getByRole("button", { name: "Rotate secret" }).click();
    await rotate.waitFor({ state: "detached" });
    await soon.getByText(endDate("renewed")).waitFor();
    expect(await soon.innerText()).not.toMatch(/expires in/);
    expect(await soon.innerText()).toMatch(/1×/);
    await page.getByRole("status").getByText(`Secret soon-cert rotated: CN=soon.secure.test, expires ${endDate("renewed")}.`).waitFor();
    await expectNoKeyInPage(page, "year", "soon", "renewed");
    await screenshot(page, "secrets");
    // the worker switched without a publish: new handshakes get the renewed certificate
    await waitFor("the worker to present the renewed certificate", async () => (await servedFingerprint(edgePort, "soon.secure.test")) === fingerprintOf("renewed"), 15_000);

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Listeners", exact: true }).click();
    await row.getByTestId("listener-secret").getByText(endDate("renewed")).waitFor();
    expect(await page.getByTestId("expiry-banner").count()).toBe(0);

    // ---- an unused secret is deleted
    await page.goto(app.url + "/settings/secrets");
    await www.getByRole("button", { name: "Delete www-cert" }).click();
    await page.getByRole("dialog", { name: "Delete secret www-cert?" }).getByRole("button", { name: "Delete secret" }).click();
    await www.waitFor({ state: "detached" });
    expect((await app.api<{ name: string }[]>("/api/secrets")).map((s) => s.name)).toEqual(["soon-cert"]);
  });
});
