// The .vsix ships only the parts of pi that run (dist/pi/, scripts/piRuntime.mjs). Every real-pi
// test starts pi from there (defaultPiCliPath prefers it), so the whole integration suite —
// tools, images, HTML export, extensions through jiti — checks that nothing it needs is missing.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { defaultPiCliPath } from "../../src/host/piPaths";

describe("the pi runtime shipped in the .vsix", () => {
  const root = path.join(__dirname, "..", "..");

  it("is what the tests run: pi from dist/pi, without pi's node_modules", () => {
    const cli = defaultPiCliPath(root);
    assert.ok(cli.startsWith(path.join(root, "dist", "pi", "node_modules")), cli);
    const shipped = fs.readdirSync(path.join(root, "dist", "pi", "node_modules"), { recursive: true }).length;
    assert.ok(shipped < 2_000, `a lean tree (${shipped} entries)`);
    assert.ok(!fs.existsSync(path.join(root, "dist", "pi", "node_modules", "@earendil-works", "pi-tui")), "pi's bundle carries its own dependencies");
  });
});
