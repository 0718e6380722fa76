// Public surface of the config contract. The console (lib/) imports only this module from proxy-core.
export * from "./schema";
export * from "./validate";
export * from "./duration";
export * from "../protocol";
