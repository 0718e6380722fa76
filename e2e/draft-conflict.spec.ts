// Two people edit the same route at once, each in their own browser context: the first saves; the second's
// save is refused with a notice saying who changed what, and "Reload and reapply my change" puts the second's
// change on top of the first's, so both are in the draft. Real console, real Chromium.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { login, screenshot, waitFor } from "./fixtures";
import { bootstrap, listener } from "../lib/config/test-fixtures";
import { staticCluster, useScene } from "./scene";

type RouteItem = { id: string; route: { name?: string; match: { prefix?: string }; route?: { cluster?: string; timeout?: string } } };
type AuditEntry = { action: string; details: { ifMatch?: boolean } };

// nothing published on top of the starter: the draft alone routes /shared to the upstream; two pages, two people
const scene = useScene({
  upstreams: { shared: "shared upstream" },
  draft: (_doc, { up, listener: at }) => {
    const [address, port] = at.split(":");
    return bootstrap([listener("main", Number(port), [{ name: "shared", match: { prefix: "/shared" }, route: { cluster: "shared" } }], { address })], [staticCluster("shared", up.shared.port)]);
  },
  pages: 2,
});

async function openEditor(page: Page) {
  await page.goto(scene.app.url + "/routes");
  await page.getByRole("button", { name: "Edit route 1 (prefix /shared)" }).click();
  const editor = page.getByRole("dialog", { name: "Edit route" });
  await editor.getByLabel("Timeout").waitFor();
  return editor;
}

describe("two editors, one route", () => {
  it("the second save is refused with the first's change listed, and reapplying keeps both", async () => {
    const { app, pages: [first, second] } = scene;
    await login(first, app, false);
    await login(second, app, false);
    const firstEditor = await openEditor(first);
    const secondEditor = await openEditor(second);

    // the second person starts typing, the first saves a new timeout meanwhile
    await secondEditor.getByLabel("Path prefix", { exact: true }).fill("/shared-v2");
    await firstEditor.getByLabel("Timeout").fill("5s");
    await firstEditor.getByRole("button", { name: "Save route" }).click();
    await firstEditor.waitFor({ state: "detached" });

    // the second save is refused: nothing is overwritten, the notice says who changed what
    await secondEditor.getByRole("button", { name: "Save route" }).click();
    const notice = secondEditor.getByRole("alert", { name: "The draft changed" });
    await notice.waitFor();
    await notice.getByText(app.admin.email).first().waitFor();
    expect(await notice.getByTestId("conflict-changes").innerText()).toContain(`${app.admin.email} changed route shared`);
    await screenshot(second, "draft-conflict");
    const between = await app.api<RouteItem[]>("/api/draft/routes");
    expect(between[0].route).toMatchObject({ match: { prefix: "/shared" }, route: { timeout: "5s" } });

    // reload and reapply: the second change goes on top of the first
    await notice.getByRole("button", { name: "Reload and reapply my change" }).click();
    await secondEditor.waitFor({ state: "detached" });
    const routes = await waitFor("both changes in the draft", async () => {
      const r = await app.api<RouteItem[]>("/api/draft/routes");
      return r[0].route.match.prefix === "/shared-v2" ? r : null;
    }, 10_000);
    expect(routes).toHaveLength(1);
    expect(routes[0].route).toMatchObject({ name: "shared", match: { prefix: "/shared-v2" }, route: { cluster: "shared", timeout: "5s" } });
    // both saves were made on a revision (If-Match), and audited so
    const audit = await app.api<AuditEntry[]>("/api/audit?limit=10");
    expect(audit.filter((a) => a.action === "draft.route.update").map((a) => a.details.ifMatch)).toEqual([true, true]);

    // the header offers to discard the draft, listing what would go; confirming resets it to the live version
    await second.getByRole("button", { name: "Discard draft" }).click();
    const discard = second.getByRole("dialog", { name: "Discard the draft?" });
    await discard.getByTestId("discard-changes").getByText("shared", { exact: true }).waitFor();
    await screenshot(second, "discard-draft");
    await discard.getByRole("button", { name: "Discard draft" }).click();
    await second.getByRole("dialog", { name: "Draft discarded" }).waitFor();
    await second.getByTestId("draft-state").filter({ hasText: "Draft: no changes" }).waitFor();
    const after = await app.api<RouteItem[]>("/api/draft/routes");
    expect(after.map((r) => r.route.match.prefix)).not.toContain("/shared-v2");
  });

  it("rolling back over unpublished changes lists them and asks to discard them first", async () => {
    const { app, pages: [, second] } = scene;
    // v2 goes live; then someone leaves an unpublished cluster in the draft
    const doc = await app.api<{ static_resources: { listeners: unknown[]; clusters: { name: string }[] } }>("/api/config");
    doc.static_resources.clusters.push({ name: "v2-only", type: "STATIC", connect_timeout: "1s", load_assignment: { cluster_name: "v2-only", endpoints: [] } } as never);
    await app.send("PUT", "/api/config", doc);
    const v2 = await app.send<{ number: number }>("POST", "/api/versions", { message: "v2 for the rollback" });
    await app.send("PUT", "/api/draft/clusters/half-done", { name: "half-done", type: "STATIC", connect_timeout: "1s", load_assignment: { cluster_name: "half-done", endpoints: [] } });

    await second.goto(app.url + "/versions");
    await second.getByRole("button", { name: `Roll back to v${v2.number - 1}` }).click();
    const dialog = second.getByRole("dialog", { name: `Roll back to v${v2.number - 1}?` });
    const warning = dialog.getByRole("alert", { name: "Unpublished draft changes" });
    await warning.getByTestId("pending-changes").getByText("half-done").waitFor();
    const confirm = dialog.getByRole("button", { name: `Discard draft and roll back to v${v2.number - 1}` });
    expect(await confirm.isDisabled()).toBe(true);
    await screenshot(second, "rollback-dirty-draft");
    await warning.getByLabel("Discard these draft changes").check();
    await confirm.click();
    await second.getByRole("dialog", { name: "Rolled back" }).waitFor();
    const status = await app.api<{ changes: unknown[]; draftHash: string; live: { hash: string } }>("/api/draft/status");
    expect(status.changes).toEqual([]);
    expect(status.draftHash).toBe(status.live.hash);
    const audit = await app.api<{ action: string; details: { discardedDraft?: { name: string }[] } }[]>("/api/audit?limit=5");
    expect(audit.find((a) => a.action === "version.rollback")!.details.discardedDraft).toEqual([expect.objectContaining({ name: "half-done" })]);
  });
});
