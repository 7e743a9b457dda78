// Node's compile cache for pi, in the directory the host chose (src/host/piCompileCache.ts).
// Node and pi's cli.js read NODE_COMPILE_CACHE as pi starts, before any extension loads; after
// that it only matters to the programs pi's shell runs (pi hands them process.env), and those
// must not write their caches into the extension's storage.

export const NODE_CACHE_ENV = "NODE_COMPILE_CACHE";
/** The directory the host chose: NODE_COMPILE_CACHE is removed only when it is this one. */
export const OWN_CACHE_ENV = "PI_VSCODE_COMPILE_CACHE";

/** Takes the host's cache directory out of `env` (pi's process.env); a user's own setting stays. */
export function releaseCompileCache(env: NodeJS.ProcessEnv): void {
  const own = env[OWN_CACHE_ENV];
  if (own !== undefined && env[NODE_CACHE_ENV] === own) delete env[NODE_CACHE_ENV];
  delete env[OWN_CACHE_ENV];
}
