// The console API's contract: one zod schema per request body, query and response. Route handlers answer
// through them (lib/http.ts `withHandler({response})`), react-query hooks parse with them
// (components/queries/api-client.ts), and the contract test checks a running console against them.
export * from "./common";
export * from "./versions";
export * from "./diff";
export * from "./nodes";
export * from "./draft";
export * from "./listeners";
export * from "./audit";
export * from "./session";
export * from "./accounts";
export * from "./traces";
export * from "./stats";
export * from "./telemetry";
export * from "./events";
export * from "./settings";
export * from "./live";
export * from "./access-log";
export * from "./explain";
export * from "./impact";
export * from "./backup";
export * from "./route-tests";
export * from "./guard";
export * from "./rollout";
export * from "./environments";
export * from "./tokens";
export * from "./teams";
export * from "./secrets";
