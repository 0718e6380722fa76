export const PROXY_CORE_VERSION = "0.1.0";
