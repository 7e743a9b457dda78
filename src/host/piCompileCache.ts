// Where pi keeps Node's compile cache. pi turns the cache on itself (its cli.js calls
// module.enableCompileCache()), by default in os.tmpdir(), which a reboot empties on most Linux
// machines: the first pi after one then starts ~100 ms later (425 vs 325 ms with the guard here).
// The extension keeps it in its own storage instead, one directory per install of pi (the
// cache is keyed by file path, so an older install's entries are never read again and go).
// The guard takes the variable out of pi's environment (src/piGuard/compileCache.ts), so the
// programs pi's shell runs do not write their caches there.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { NODE_CACHE_ENV, OWN_CACHE_ENV } from "../piGuard/compileCache";

/** The cache directory of the pi at `piCliPath`, under `root`. */
export function compileCacheDir(root: string, piCliPath: string): string {
  return path.join(root, createHash("sha256").update(piCliPath).digest("hex").slice(0, 12));
}

/** pi's environment for its cache; nothing when the user's own environment already decides. */
export function compileCacheEnv(dir: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  if (env[NODE_CACHE_ENV] !== undefined || env.NODE_DISABLE_COMPILE_CACHE !== undefined) return {};
  return { [NODE_CACHE_ENV]: dir, [OWN_CACHE_ENV]: dir };
}

/** Removes the caches under `root` other than `keep` (earlier installs). Never throws. */
export async function pruneCompileCaches(root: string, keep: string): Promise<string[]> {
  const names = await fs.promises.readdir(root).catch(() => [] as string[]);
  const gone = names.filter((name) => path.join(root, name) !== keep);
  await Promise.all(gone.map((name) => fs.promises.rm(path.join(root, name), { recursive: true, force: true }).catch(() => undefined)));
  return gone;
}
