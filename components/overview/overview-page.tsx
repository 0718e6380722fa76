"use client";
// The Overview. The page itself renders once: each section subscribes to its own query, and the live channel
// (one tick a second) only writes into the cache, so a tick redraws the tiles and the 5-minute chart and nothing else.
import { useLiveTicks } from "@/components/queries/use-live-ticks";
import { LiveIndicator } from "@/components/telemetry/live-indicator";
import { TrafficPanel } from "@/components/telemetry/traffic-panel";
import { DemoCallout } from "./demo-callout";
import { EventFeed } from "./event-feed";
import { GuardAlert } from "./guard-alert";
import { KpiTiles } from "./kpi-tiles";
import { TopRoutes } from "./top-routes";

export function OverviewPage() {
  const state = useLiveTicks();
  const live = state === "open";
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Overview</h1>
          <p>Traffic through every worker: the last second in the tiles, the window in the chart.</p>
        </div>
        <span className="spacer" />
        <LiveIndicator state={state} />
      </div>
      <GuardAlert />
      <DemoCallout live={live} />
      <KpiTiles live={live} />
      <TrafficPanel live={live} title="Traffic" />
      <div className="grid-2" style={{ marginTop: 16 }}>
        <TopRoutes />
        <EventFeed live={live} />
      </div>
    </>
  );
}
