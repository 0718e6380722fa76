// An environment's name (the worker's --environment, the console's environments): a group of nodes with its own
// versions. Kept in a module of its own, importing nothing, so the console's browser code can share it.
export const ENVIRONMENT_NAME_RE = /^[a-z0-9][a-z0-9_-]{0,39}$/;
export const ENVIRONMENT_NAME_RULE = "1 to 40 characters of a-z, 0-9, '-' and '_', starting with a letter or digit";
