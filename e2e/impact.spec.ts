// The impact preview in the Review & publish drawer: requests go through the bundled worker, the draft sends their
// route to another cluster, and the drawer says so in a sentence. Needs the drawer to render <ImpactPreview />.
import { beforeAll, describe, expect, it } from "vitest";
import { bootstrap, cluster, listener } from "../lib/config/test-fixtures";
import { login, screenshot, throughProxy, waitFor } from "./fixtures";
import { useScene, type SceneParts } from "./scene";

const config = (clusterName: string, { up, edgePort }: SceneParts) =>
  bootstrap(
    [listener("impact", edgePort, [{ name: "impact_api", match: { prefix: "/impact/api" }, route: { cluster: clusterName } }])],
    [cluster("impact-a", [up.a.port]), cluster("impact-b", [up.b.port])],
  );

// live: the route on its own listener to cluster impact-a; the draft sends it to impact-b
const scene = useScene({
  upstreams: { a: "impact A", b: "impact B" },
  edge: true,
  live: (_doc, parts) => config("impact-a", parts),
  message: "impact e2e",
  draft: (_doc, parts) => config("impact-b", parts),
});

beforeAll(async () => {
  // requests through the live version: what the preview replays against the draft
  for (let i = 0; i < 12; i++) expect((await throughProxy(scene.edge, `/impact/api/${i}`)).body).toBe("impact A");
  await waitFor("the sample to reach the console", async () => (await scene.app.api<{ window: { requests: number } }>("/api/draft/impact")).window.requests >= 12, 30_000);
});

describe("impact preview", () => {
  it("shows in Review & publish where the draft would send recent requests", async () => {
    const { app, page } = scene;
    await login(page, app, false);
    await page.getByRole("button", { name: "Review & publish" }).click();
    const drawer = page.getByRole("dialog", { name: "Review & publish" });
    await drawer.waitFor();
    const preview = drawer.getByRole("region", { name: "Impact preview" });
    await preview.getByText("12 requests/min to /impact/api move from cluster impact-a to cluster impact-b").waitFor();
    await screenshot(page, "review-impact");
    expect(await preview.getByText(/Replayed 12 requests/).count()).toBe(1);
  });
});
