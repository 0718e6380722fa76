import type { NextConfig } from "next";

// Security headers on every answer, pages and API alike (README "Threat model"). Next's production pages carry
// inline <script> tags (the RSC payload, `self.__next_f.push`), so scripts need 'unsafe-inline' unless every
// page is rendered with a per-request nonce (Next's "Content Security Policy" guide), which would make every page
// dynamic; eval is never needed in production (React's dev build uses it for stack traces, hence dev only).
// Inline style attributes are React's `style={…}` (charts, widths). No form-action: an SSO sign-in may be a form
// whose answer redirects to the identity provider, which form-action checks too.
const dev = process.env.NODE_ENV !== "production";
const csp = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
].join("; ");
const securityHeaders = [
  { key: "Content-Security-Policy", value: csp },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "X-Frame-Options", value: "DENY" },
];

const nextConfig: NextConfig = {
  // native module + prisma wasm runtime: keep them as plain node requires in the server bundle
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "@prisma/adapter-pg", "pg", "ws"],
  poweredByHeader: false,
  reactStrictMode: true,
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};
export default nextConfig;
