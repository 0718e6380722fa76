"use client";
// Tabs that are links (each tab has its own URL, so back and deep links work), with the keyboard of a tab list:
// arrow keys move between tabs, Enter opens one.
import Link from "next/link";
import { useRef, type KeyboardEvent, type ReactNode } from "react";

export interface TabItem {
  id: string;
  label: ReactNode;
  href: string;
}

export function Tabs({ label, tabs, current, children }: { label: string; tabs: TabItem[]; current: string; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== "ArrowRight" && e.key !== "ArrowLeft" && e.key !== "Home" && e.key !== "End") return;
    const links = [...(ref.current?.querySelectorAll<HTMLAnchorElement>("[role=tab]") ?? [])];
    const i = links.indexOf(document.activeElement as HTMLAnchorElement);
    const next = e.key === "Home" ? 0 : e.key === "End" ? links.length - 1 : (i + (e.key === "ArrowRight" ? 1 : -1) + links.length) % links.length;
    links[next]?.focus();
    e.preventDefault();
  };
  return (
    <>
      <div className="tabs" role="tablist" aria-label={label} ref={ref} onKeyDown={onKey}>
        {tabs.map((t) => (
          <Link
            key={t.id}
            id={`tab-${t.id}`}
            role="tab"
            href={t.href}
            aria-selected={t.id === current}
            aria-controls={`tabpanel-${t.id}`}
            tabIndex={t.id === current ? 0 : -1}
            className="tab"
            scroll={false}
          >
            {t.label}
          </Link>
        ))}
      </div>
      <div role="tabpanel" id={`tabpanel-${current}`} aria-labelledby={`tab-${current}`}>
        {children}
      </div>
    </>
  );
}
