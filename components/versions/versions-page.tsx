"use client";
// Versions, newest first; the two being compared are in the URL (?compare=a,b, or ?diff=v for a version
// against the one it replaced), so a chart's version marker can link straight to a diff.
import { useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useState } from "react";
import type { Version } from "@/components/queries/types";
import { useVersionsQuery } from "@/components/queries/use-versions-query";
import { EmptyState } from "@/components/ui/empty-state";
import { RollbackDialog } from "./rollback-dialog";
import { PromoteDialog } from "./promote-dialog";
import { VersionDiffPanel } from "./version-diff-panel";
import { VersionTimeline } from "./version-timeline";

export function VersionsPage() {
  const versions = useVersionsQuery();
  const params = useSearchParams();
  const [rollingBack, setRollingBack] = useState<Version | null>(null);
  const [promoting, setPromoting] = useState<Version | null>(null);
  // null until the user picks: then the picks, written back to the URL without a navigation
  const [picked, setPicked] = useState<string[] | null>(null);
  const list = useMemo(() => versions.data ?? [], [versions.data]);
  const live = list.find((v) => v.live) ?? null;
  const fromUrl = useMemo(() => selectionFromUrl(params, list), [params, list]);
  const selected = picked ?? fromUrl;

  const select = useCallback((ids: string[]) => {
    setPicked(ids);
    window.history.replaceState(null, "", ids.length ? `?compare=${ids.map(encodeURIComponent).join(",")}` : window.location.pathname);
  }, []);
  const toggle = useCallback((id: string) => select(selected.includes(id) ? selected.filter((x) => x !== id) : [...selected, id].slice(-2)), [select, selected]);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = versions;
  const loadMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);
  // a version picked in the URL (a chart's marker, a link) may be older than the pages loaded: load on until it is
  const missing = selected.some((id) => !list.some((v) => v.id === id));
  useEffect(() => {
    if (missing && hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [missing, hasNextPage, isFetchingNextPage, fetchNextPage]);
  const pair = selected
    .map((id) => list.find((v) => v.id === id))
    .filter((v): v is Version => Boolean(v))
    .sort((a, b) => a.number - b.number);

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Versions</h1>
          <p>Every published configuration, newest first. Select two to compare; roll back to any of them.</p>
        </div>
      </div>
      <div className="stack" style={{ gap: 16 }}>
        {list.length > 0 && (
          <section className="card" aria-label="Compare versions">
            {pair.length === 2 ? (
              <>
                <div className="row" style={{ marginBottom: 10 }}>
                  <h2 style={{ margin: 0 }}>
                    v{pair[0].number} → v{pair[1].number}
                  </h2>
                  <span className="spacer" />
                  <button type="button" className="btn small" onClick={() => select([])}>
                    Clear selection
                  </button>
                </div>
                <VersionDiffPanel from={pair[0].id} to={pair[1].id} label={`Diff from v${pair[0].number} to v${pair[1].number}`} />
              </>
            ) : (
              <p className="muted" style={{ margin: 0 }}>
                {pair.length === 1 ? `v${pair[0].number} selected: select one more version to compare.` : "Select two versions to see what changed between them."}
              </p>
            )}
          </section>
        )}
        <VersionTimeline
          versions={versions.data}
          query={versions}
          empty={
            <EmptyState title="Nothing published yet">
              Each publish creates an immutable, numbered version you can compare and roll back to. Use “Review &amp; publish” above.
            </EmptyState>
          }
          more={{ hasMore: hasNextPage, loading: isFetchingNextPage, onLoadMore: loadMore, label: "Load older versions" }}
          selected={selected}
          onToggle={toggle}
          onRollback={setRollingBack}
          onPromote={setPromoting}
        />
      </div>
      {rollingBack && <RollbackDialog target={rollingBack} live={live} onClose={() => setRollingBack(null)} />}
      {promoting && <PromoteDialog version={promoting} onClose={() => setPromoting(null)} />}
    </>
  );
}

/** `?compare=a,b` as it is; `?diff=v`: v against its parent (the version live before it was published). */
function selectionFromUrl(params: { get(name: string): string | null }, list: Version[]): string[] {
  const compare = params.get("compare");
  if (compare) return compare.split(",").filter(Boolean).slice(0, 2);
  const diff = params.get("diff");
  if (!diff) return [];
  const v = list.find((x) => x.id === diff);
  if (!v) return [diff];
  const parent = v.parentId ?? list.find((x) => x.number === v.number - 1)?.id;
  return parent ? [parent, v.id] : [v.id];
}
