// Assembles dist/pi/: the parts of pi that run, and nothing else. pi's CLI is a self-contained
// bundle (dist/bundle/); at run time it reads a few assets of its own package and imports four
// packages that stay outside the bundle. The .vsix ships this folder instead of node_modules
// (vsce --no-dependencies): 25 MB of files instead of pi's whole 400 MB dependency tree, each
// runtime dependency once. test/integration/piRuntime.test.ts runs pi from here.
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.join(import.meta.dirname, "..");
const FROM = path.join(ROOT, "node_modules");
const TO = path.join(ROOT, "dist", "pi", "node_modules");
const PI = "@earendil-works/pi-coding-agent";

/** pi's own files that run: the bundle, the assets it reads, its README (pi answers questions about itself from it). */
const PI_PARTS = ["package.json", "README.md", "LICENSE", "dist/bundle", "dist/modes/interactive/theme", "dist/modes/interactive/assets", "dist/core/export-html/template.html", "dist/core/export-html/template.css", "dist/core/export-html/template.js", "dist/core/export-html/vendor"];
/** What the bundle imports from outside itself (found by running it from here: see the test). */
const EXTERNAL = ["@earendil-works/chord", "typebox", "jiti", "@silvia-odwyer/photon-node"];
/** Never needed at run time. */
const SKIP = /(\.d\.[cm]?ts|\.map|\.d\.[cm]?ts\.map)$|(^|\/)(test|tests|__tests__|\.github)(\/|$)/;

function copy(from, to) {
  const stat = fs.statSync(from);
  if (stat.isDirectory()) {
    for (const name of fs.readdirSync(from)) {
      const rel = path.join(from, name);
      if (!SKIP.test(rel)) copy(rel, path.join(to, name));
    }
  } else if (!SKIP.test(from)) {
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(from, to);
  }
}

export function assemblePiRuntime() {
  fs.rmSync(path.join(ROOT, "dist", "pi"), { recursive: true, force: true });
  for (const part of PI_PARTS) {
    const from = path.join(FROM, PI, part);
    if (fs.existsSync(from)) copy(from, path.join(TO, PI, part));
  }
  for (const pkg of EXTERNAL) copy(path.join(FROM, pkg), path.join(TO, pkg));
  return path.join(TO, PI, "dist", "bundle", "cli.js");
}

if (process.argv[1] === import.meta.filename) console.log(assemblePiRuntime());
