// ESLint (flat config) for our own sources; `npm run lint` passes the folders to lint, .ci/run calls it.
// Besides Next's core-web-vitals and typescript-eslint's recommended rules, it enforces the one-way
// dependencies with no-restricted-imports: proxy-core imports nothing from the console, components reach the
// server only through their query hooks (/api + the zod contract), and only repositories import Prisma.
// In flat config the last block that sets a rule for a file replaces its options (they are not merged), so
// every block below that sets no-restricted-imports repeats the Prisma patterns it still needs.
import { builtinModules } from "node:module";
import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const reactHooksRules = [...new Set(nextVitals.flatMap((c) => Object.keys(c.rules ?? {})).filter((r) => r.startsWith("react-hooks/")))];
const EXT = "{ts,tsx,mts,cts,js,mjs,cjs}";
const SOURCES = `**/*.${EXT}`;

const prismaOnlyInRepos = [
  { regex: "(^|/)generated/prisma(/|$)|^@prisma/", message: "Only lib/repos/* (and lib/db.ts, lib/sqlite-gate.ts) use Prisma: add or call a repository function instead." },
  { regex: "(^|/)lib/db(\\.ts)?$|^(\\./|(\\.\\./)+)db(\\.ts)?$", message: "Only lib/repos/* reach the database: add or call a repository function instead." },
];

// A component may import the zod contract and client-safe modules, never server code: it talks to the
// server through its query hook (components/queries/*) and /api.
const componentsImportNoServer = [
  ...prismaOnlyInRepos,
  {
    regex: "^(@/|(\\.\\./)+)lib/(?!contract(/|$)|demo/contract(\\.ts)?$)",
    message: "Components reach the server through their query hooks; from lib/ import only the zod contract (lib/contract/*, lib/demo/contract). Move a pure helper to lib/contract or components/.",
  },
  { regex: "^(@/|(\\.\\./)+)(app|scripts|prisma|server(\\.ts)?)(/|$)", message: "Components import no server code." },
  { regex: "^node:", message: "Components run in the browser: no Node built-ins." },
];
const nodeBuiltins = builtinModules.filter((m) => !m.startsWith("_")).map((name) => ({ name, message: "Components run in the browser: no Node built-ins." }));

// proxy-core is a package of its own (the worker): nothing from the console, not even by a relative path. A
// relative import leaves proxy-core when it climbs more folders than the file is deep, hence one block per depth.
const proxyCoreNoConsole = (depth) => ({
  files: [`proxy-core/${"*/".repeat(depth)}*.${EXT}`],
  rules: {
    "no-restricted-imports": ["error", {
      patterns: [
        ...prismaOnlyInRepos,
        { regex: "^@/", message: "proxy-core imports nothing from the console." },
        { regex: `^(\\./)?(\\.\\./){${depth + 1},}`, message: "proxy-core imports nothing from the console: this path leaves proxy-core/." },
      ],
    }],
  },
});

export default defineConfig([
  globalIgnores(["generated/**", ".next/**", "**/node_modules/**", "proxy-core/dist/**", "bench/results/**", "test-results/**", "data/**", "next-env.d.ts"]),
  ...nextVitals,
  ...nextTs,
  {
    files: [SOURCES],
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      // the codebase's convention for "deliberately unused": a leading underscore, or a key left out with a rest
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", ignoreRestSiblings: true }],
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
      "no-restricted-imports": ["error", { patterns: prismaOnlyInRepos }],
    },
  },
  {
    // React code lives in app/ and components/; elsewhere a use* function is no hook (the e2e specs' useScene fixture)
    files: [SOURCES],
    ignores: ["app/**", "components/**"],
    rules: Object.fromEntries(reactHooksRules.map((rule) => [rule, "off"])),
  },
  {
    // the repositories, the client itself, the migration runner, the process that closes the client, and tests
    files: ["lib/repos/**", "lib/db.ts", "lib/sqlite-gate.ts", "lib/migrate.ts", "scripts/migrate.ts", "server.ts", "**/*.test.ts", "tests/**", "e2e/**"],
    rules: { "no-restricted-imports": "off" },
  },
  {
    files: [`components/${SOURCES}`],
    rules: { "no-restricted-imports": ["error", { paths: nodeBuiltins, patterns: componentsImportNoServer }] },
  },
  // proxy-core's deepest files are 4 folders down today
  ...Array.from({ length: 10 }, (_, depth) => proxyCoreNoConsole(depth)),
]);
