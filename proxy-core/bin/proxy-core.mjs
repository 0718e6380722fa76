#!/usr/bin/env node
// Entry for `npx proxy-core`: load the TypeScript sources through tsx's ESM hook (no build step).
import { register } from "tsx/esm/api";
register();
await import("../src/cli.ts");
