// The committed icon assets are what scripts/codicons.ts makes from the installed
// @vscode/codicons: a glyph added to webview/iconNames.ts, or a new package version, fails
// here until `npm run codicons` is run — instead of showing an empty box in the chat.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { CSS_FILE, codiconFont, codiconsCss, FONT_FILE, FONT_SOURCE, LICENSE_FILE, LICENSE_SOURCE } from "../../scripts/codicons";
import { ICON_NAMES } from "../../webview/iconNames";

describe("codicons", () => {
  it("media/codicons.css has one rule per listed glyph, from the package's code points", () => {
    const css = fs.readFileSync(CSS_FILE, "utf8");
    assert.equal(css, codiconsCss(), "media/codicons.css is stale: run npm run codicons");
    for (const name of ICON_NAMES) assert.match(css, new RegExp(`\\.codicon-${name}::before \\{ content: "\\\\[0-9a-f]{4}"; \\}`));
    // send is U+EC0F in every codicons release since it was added.
    assert.match(css, /\.codicon-send::before \{ content: "\\ec0f"; \}/);
  });

  it("media/codicon.ttf is the package's font cut down to the listed glyphs, byte for byte, with its licence", async () => {
    const font = fs.readFileSync(FONT_FILE);
    assert.ok(font.equals(await codiconFont()), "media/codicon.ttf is stale: run npm run codicons");
    assert.ok(font.length < fs.readFileSync(FONT_SOURCE).length / 10, `a subset (${font.length} bytes)`);
    assert.ok(fs.readFileSync(LICENSE_FILE).equals(fs.readFileSync(LICENSE_SOURCE)));
  });

  it("every codicon class the components use is listed (and so has a glyph)", () => {
    const dir = path.join(__dirname, "..", "..", "webview");
    const used = new Set<string>();
    for (const file of fs.readdirSync(dir, { recursive: true }) as string[]) {
      if (!/\.tsx?$/.test(file)) continue;
      for (const m of fs.readFileSync(path.join(dir, file), "utf8").matchAll(/\bcodicon-([a-z][\w-]*)/g)) if (m[1] !== "modifier-spin" && !m[1].endsWith("$")) used.add(m[1]);
    }
    const listed = new Set<string>(ICON_NAMES);
    assert.deepEqual([...used].filter((n) => !listed.has(n)), []);
  });
});
