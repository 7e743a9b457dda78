import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { chatPageHtml } from "../../src/host/chatPage";
import { absoluteCssUrls, absoluteImports, importMapJson, inlineContent } from "../../src/host/inlinePage";

const url = (name: string) => `https://res.example/ext/dist/webview/${name}`;

describe("the inline chat page (src/host/inlinePage.ts)", () => {
  it("makes esbuild's relative imports absolute: static, side-effect and dynamic", () => {
    const source = 'import{a as b}from"./chunk-AB12.js";import"./side-1.js";const l=()=>import("./DiffView-X9.js");const s="./not-an-import.js";';
    assert.equal(
      absoluteImports(source, url),
      `import{a as b}from"${url("chunk-AB12.js")}";import"${url("side-1.js")}";const l=()=>import("${url("DiffView-X9.js")}");const s="./not-an-import.js";`,
    );
  });

  it("makes a stylesheet's url() absolute, quoted or not", () => {
    assert.equal(absoluteCssUrls('src: url("codicon.ttf") format("truetype"); b: url(x.png)', (n) => `U/${n}`), 'src: url("U/codicon.ttf") format("truetype"); b: url("U/x.png")');
  });

  it("puts every module in the import map as a data: URL, nothing in it can end the script element", () => {
    const map = JSON.parse(importMapJson([{ url: url("main.js"), source: 'const x = "</script><script>alert(1)</script>";' }])) as { imports: Record<string, string> };
    const data = map.imports[url("main.js")];
    assert.match(data, /^data:text\/javascript;base64,/);
    assert.equal(Buffer.from(data.slice(data.indexOf(",") + 1), "base64").toString("utf8"), 'const x = "</script><script>alert(1)</script>";');
    assert.doesNotMatch(importMapJson([{ url: "https://x/</script>.js", source: "" }]), /<\/script/);
  });

  describe("from a built page", () => {
    let dir: string;
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "pi-inline-"));
      fs.mkdirSync(path.join(dir, "webview"));
      fs.mkdirSync(path.join(dir, "media"));
      fs.writeFileSync(path.join(dir, "webview", "main.js"), 'import{a}from"./chunk-A.js";a();');
      fs.writeFileSync(path.join(dir, "webview", "chunk-A.js"), 'export const a=()=>import("./Lazy-B.js");');
      fs.writeFileSync(path.join(dir, "media", "icons.css"), '@font-face { src: url("icons.ttf"); } .big { background: url("big.ttf"); }');
      fs.writeFileSync(path.join(dir, "media", "icons.ttf"), Buffer.from([0, 1, 0, 0, 42]));
      fs.writeFileSync(path.join(dir, "media", "big.ttf"), Buffer.alloc(64 * 1024));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const content = (entry = "main.js") =>
      inlineContent({ modulesDir: path.join(dir, "webview"), entry, chunks: ["chunk-A.js"], moduleUrl: url, stylesDir: path.join(dir, "media"), styles: ["icons.css"], styleUrl: (n) => `https://res.example/ext/media/${n}` });

    it("holds the entry and its static chunks; a lazy chunk stays a file, named by its absolute URL", () => {
      const inline = content();
      assert.ok(inline);
      assert.deepEqual(
        inline.modules.map((m) => m.url),
        [url("main.js"), url("chunk-A.js")],
      );
      assert.equal(inline.modules[1].source, `export const a=()=>import("${url("Lazy-B.js")}");`);
    });

    it("carries a small font as a data: URL and leaves a large one a file", () => {
      const [css] = content()?.styles ?? [];
      assert.match(css, /url\("data:font\/ttf;base64,AAEAACo="\)/);
      assert.match(css, /url\("https:\/\/res\.example\/ext\/media\/big\.ttf"\)/);
    });

    it("is undefined when a file is missing (a partial build): the page links its files instead", () => {
      assert.equal(content("missing.js"), undefined);
      const html = chatPageHtml({ nonce: "N", resourceSource: "R", title: "Pi", styles: ["s.css"], script: url("main.js"), preloads: [url("chunk-A.js")], inline: undefined });
      assert.match(html, /<script type="module" nonce="N" src=/);
      assert.doesNotMatch(html, /importmap|<style|font-src R data:/);
    });

    it("writes the import map, the nonce'd styles and an entry that imports itself by URL; CSP adds only nonces and data: fonts", () => {
      const html = chatPageHtml({ nonce: "N", resourceSource: "R", title: "Pi", styles: [], script: url("main.js"), preloads: [], inline: content() });
      const csp = /content="([^"]*)"/.exec(html)?.[1] ?? "";
      assert.equal(csp, "default-src 'none'; script-src 'nonce-N'; style-src R 'nonce-N'; img-src R data:; font-src R data:");
      assert.match(html, /<script type="importmap" nonce="N">\{"imports":/);
      assert.match(html, /<style nonce="N">@font-face/);
      assert.match(html, new RegExp(`<script type="module" nonce="N">import "${url("main.js").replace(/[./]/g, "\\$&")}";`));
      assert.doesNotMatch(html, /modulepreload|<link rel="stylesheet"/);
    });
  });
});
