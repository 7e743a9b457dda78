// The guard as the .vsix ships it: src/piGuard/guard.ts bundled by esbuild into one ESM file for
// Node (pi loads it with -e through jiti). Built once per test run into a temp directory.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as esbuild from "esbuild";
import type { GuardConfig } from "../../src/host/chatHost";

export const GUARD_SOURCE = path.join(__dirname, "..", "..", "src", "piGuard", "guard.ts");

/** The guard from source with every command allowed: for tests of what it does besides asking. */
export const openGuard = (): GuardConfig => ({ path: GUARD_SOURCE, bashPolicy: "never-ask", bashAllow: [], loadUserExtensions: false });

let built: Promise<string> | undefined;

export function bundleGuard(): Promise<string> {
  built ??= (async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pi-guard-bundle-"));
    const outfile = path.join(dir, "piGuard.js");
    await esbuild.build({ entryPoints: [GUARD_SOURCE], outfile, bundle: true, external: ["@earendil-works/pi-ai", "@earendil-works/pi-ai/compat"], platform: "node", format: "esm", target: "node22", logLevel: "warning" });
    process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
    return outfile;
  })();
  return built;
}
