// What the per-page specs of the console's main journey share: the cluster and route they work with, the main
// navigation, the Review & publish drawer followed to "applied", and the scene builders that put in place through
// the API what an earlier page of the journey would have made in the UI.
import type { Page } from "playwright-core";
import { screenshot, throughProxy, waitFor } from "../fixtures";
import { starterRoutes, staticCluster, type Doc, type SceneParts } from "../scene";

export const CLUSTER = "e2e-backend";
export const PREFIX = "/e2e";

/** A link of the main navigation. */
export const nav = (page: Page, name: string) => page.getByRole("navigation", { name: "Main" }).getByRole("link", { name, exact: true });

/** Polls the proxy until GET /e2e/hello answers `body`. */
export async function expectProxyAnswer(listener: string, body: string): Promise<void> {
  await waitFor(`the proxy to answer "${body}"`, async () => (await throughProxy(listener, `${PREFIX}/hello`)).body === body, 20_000);
}

/** A scene `live` builder: the cluster e2e-backend on upstream `up`, with `withRoute` the route /e2e to it above the starter's catch-all. */
export function e2eBackend(up: string, withRoute = true) {
  return (doc: Doc, parts: SceneParts): void => {
    doc.static_resources.clusters.push(staticCluster(CLUSTER, parts.up[up].port));
    if (withRoute) starterRoutes(doc).unshift({ match: { prefix: PREFIX }, route: { cluster: CLUSTER } });
  };
}

/** Review & publish with a message, then wait until the drawer shows the node applied it; returns the version's number. */
export async function publish(page: Page, message: string, shot: string): Promise<number> {
  await page.getByRole("button", { name: "Review & publish" }).click();
  const drawer = page.getByRole("dialog", { name: "Review & publish" });
  await drawer.waitFor();
  // the message is required: publishing without one is refused next to the field
  await drawer.getByRole("button", { name: "Publish" }).click();
  await drawer.getByText("A message is required").waitFor();
  await drawer.getByLabel("Message").fill(message);
  await screenshot(page, `${shot}-review`);
  await drawer.getByLabel("Message").press("Enter");
  const done = page.getByRole("dialog", { name: "Published" });
  await done.getByText("applied ✓").waitFor({ timeout: 20_000 });
  await screenshot(page, `${shot}-rollout`);
  const text = await done.getByRole("status").innerText();
  await page.keyboard.press("Escape");
  await done.waitFor({ state: "detached" });
  return Number(/v(\d+)/.exec(text)![1]);
}
