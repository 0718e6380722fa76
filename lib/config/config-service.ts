// The config service, one module per verb; route handlers import those directly. This index keeps the names
// server.ts, the demo and older callers import from here.
export { serialized } from "./draft-lock";
export { getDraftDocument, getDraftRows, getLiveVersion, readDraft } from "./draft-read";
export { mutateDraft, replaceDraft } from "./draft-write";
export { checkRevision, type WriteOpts, type Written } from "./draft-revision";
export { ensureStarterVersion, publish, publishChange } from "./publish";
export { rollback, type RollbackOpts } from "./rollback";
export { discardDraft, discardPreview } from "./discard";
export { draftStatus } from "./draft-status";
export { diffVersions } from "./version-diff";
