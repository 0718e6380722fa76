"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";

const ITEMS = [
  { href: "/", label: "Overview" },
  { href: "/routes", label: "Routes" },
  { href: "/clusters", label: "Clusters" },
  { href: "/listeners", label: "Listeners" },
  { href: "/traces", label: "Traces" },
  { href: "/access-log", label: "Access log" },
  { href: "/nodes", label: "Nodes" },
  { href: "/versions", label: "Versions" },
  { href: "/audit", label: "Audit" },
  { href: "/settings", label: "Settings" },
] as const;

function isCurrent(pathname: string, href: string) {
  return href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(href + "/");
}

export function SideNav() {
  const pathname = usePathname() ?? "/";
  return (
    <nav className="sidenav" aria-label="Main">
      <Link href="/" className="brand" aria-label="Signalbox home">
        <span className="brand-mark" aria-hidden="true">S</span>
        Signalbox
      </Link>
      <ul>
        {ITEMS.map((item) => (
          <li key={item.href}>
            <Link href={item.href} aria-current={isCurrent(pathname, item.href) ? "page" : undefined}>
              {item.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
