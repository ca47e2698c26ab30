/**
 * Settings that turn the shared upstream cache off. Tests of other features count upstream calls
 * per request and inject faults between requests, so they run without it; the cache's own tests
 * (test/upstreams/cache/) switch it on.
 */
export const NO_SHARED_CACHE = { WICKSON_CACHE_TTL_S: '0', BELUGA_CACHE_TTL_S: '0' };
