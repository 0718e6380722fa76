import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // native module + prisma wasm runtime: keep them as plain node requires in the server bundle
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "ws"],
  poweredByHeader: false,
  reactStrictMode: true,
};
export default nextConfig;
