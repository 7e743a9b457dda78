// Where pi's CLI and the workspace guard are: next to this code in the .vsix (or the server's
// package), or the sources in a development checkout.
import * as fs from "node:fs";
import * as path from "node:path";

// The .vsix ships the parts of pi that run under dist/pi (scripts/piRuntime.mjs); a development
// checkout also has the whole package under node_modules.
const PI_CLI_CANDIDATES = [
  path.join("dist", "pi", "node_modules", "@earendil-works", "pi-coding-agent", "dist", "bundle", "cli.js"),
  path.join("node_modules", "@earendil-works", "pi-coding-agent", "dist", "bundle", "cli.js"),
];

/** The bundled guard next to this code, or its source in a development checkout. */
export function defaultGuardPath(fromDir: string = __dirname): string {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    for (const candidate of [path.join("dist", "piGuard.js"), path.join("src", "piGuard", "guard.ts")]) {
      const full = path.join(dir, candidate);
      if (fs.existsSync(full)) return full;
    }
    if (path.dirname(dir) === dir) break;
  }
  throw new Error(`the workspace guard was not found near ${fromDir}; reinstall the extension.`);
}

/** Finds pi's CLI next to this code: walks up from `fromDir` to the extension root. */
export function defaultPiCliPath(fromDir: string = __dirname): string {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    for (const candidate of PI_CLI_CANDIDATES) {
      const full = path.join(dir, candidate);
      if (fs.existsSync(full)) return full;
    }
    if (path.dirname(dir) === dir) break;
  }
  throw new Error(`pi's CLI was not found near ${fromDir}; reinstall the extension.`);
}
