// Answers are rendered from marked's tokens into elements (webview/markdown.ts), not from its
// HTML. The oracle here is marked's own HTML renderer on the same text: parsed by the browser
// and normalized, it must give the same tree as the page shows, apart from the differences
// the page makes on purpose (links open outside, task boxes are not inputs, code blocks carry
// a toolbar). Then the cases where the page must differ from marked's HTML: raw HTML stays text.
import * as assert from "node:assert/strict";
import { Marked } from "marked";
import type { Browser } from "playwright-core";
import { closeAndCheck, launchBrowser, openWebview, snapshotWith, type WebviewHarness } from "./harness";

const DOCS: Record<string, string> = {
  headings: "# One\n\n## Two *em*\n\n###### Six",
  inline: "Some **bold**, *em*, ***both***, ~~gone~~, `code <b>`, a\\*literal\\*, and a hard  \nbreak.",
  entities: "Fish &amp; chips &copy; 2026 &#x263A; &#9731; &nbsp;x &lt;tag&gt; &bogus; a & b",
  links: "[site](https://example.com/a?b=1&amp;c=2 \"Title\"), <https://example.com/auto>, www.example.com, mail <me@example.com>, [anchor](#top)",
  lists: "- one\n- two\n  - nested\n- three\n\n3. third\n4. fourth\n\n1. loose\n\n2. list",
  quote: "> quoted *text*\n>\n> - with a list\n\nafter",
  table: "| left | center | right | none |\n|:-----|:------:|------:|------|\n| a | **b** | `c` | d |\n| e | f | g | h |",
  rule: "above\n\n---\n\nbelow",
  image: "![inline](data:image/png;base64,iVBORw0KGgo=)",
};

/** The normalized tree of an element: tag, sorted attributes, text with whitespace collapsed. */
const NORMALIZE = `(root) => {
  const walk = (n) => {
    if (n.nodeType === 3) { const t = n.textContent.replace(/\\s+/g, " "); return t.trim() ? t : ""; }
    if (n.nodeType !== 1) return "";
    // The page's own split of an answer into blocks (webview/markdownBlocks.ts) is not markup of the answer.
    if (n.classList.contains("md-block")) return Array.from(n.childNodes).map(walk).join("");
    const attrs = Array.from(n.attributes).filter((a) => !["rel", "target"].includes(a.name)).map((a) => a.name + "=" + a.value).sort();
    return "<" + n.tagName.toLowerCase() + (attrs.length ? " " + attrs.join(" ") : "") + ">" + Array.from(n.childNodes).map(walk).join("") + "</>";
  };
  return Array.from(root.childNodes).map(walk).join("");
}`;

describe("markdown rendering in the chat webview", function () {
  this.timeout(60_000);
  let browser: Browser;
  let w: WebviewHarness;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });
  afterEach(() => closeAndCheck(w));

  it("gives the same elements as marked's HTML renderer for headings, inline marks, entities, links, lists, quotes, tables, rules and images", async () => {
    const marked = new Marked({ gfm: true, breaks: false });
    const items = Object.entries(DOCS).map(([id, text]) => ({ kind: "assistant" as const, id, blocks: [{ type: "text" as const, text }], streaming: false }));
    w = await openWebview(browser, snapshotWith(items));
    for (const [id, text] of Object.entries(DOCS)) {
      const block = w.page.locator(`[data-id="${id}"] .markdown`);
      await block.waitFor();
      const ours = await block.evaluate(`(el) => (${NORMALIZE})(el)`);
      const expected = await w.page.evaluate(`(html) => { const t = document.createElement("template"); t.innerHTML = html; return (${NORMALIZE})(t.content); }`, marked.parse(text) as string);
      assert.equal(ours, expected, `${id}: ${text}`);
    }
    // What the page adds on purpose: links open outside, without the opener.
    const link = w.page.locator('[data-id="links"] a[title="Title"]');
    assert.equal(await link.getAttribute("rel"), "noopener noreferrer");
    assert.equal(await link.getAttribute("href"), "https://example.com/a?b=1&c=2");
    assert.equal(await w.page.locator('[data-id="entities"] p').textContent(), "Fish & chips © 2026 ☺ ☃ \u00a0x <tag> &bogus; a & b");
  });

  it("shows raw HTML, unsafe links, remote images and task boxes as text, never as markup", async () => {
    const text = "Before <b>bold?</b> <img src=x> after\n\n<div class=\"x\">block html</div>\n\n[bad](javascript:alert(1)) ![remote](https://127.0.0.1/t.png)\n\n- [x] done\n- [ ] to do";
    w = await openWebview(browser, snapshotWith([{ kind: "assistant", id: "a1", blocks: [{ type: "text", text }], streaming: false }]));
    const md = w.page.locator('[data-id="a1"] .markdown');
    await md.waitFor();
    assert.equal(await md.locator("b, img, div.x").count(), 0);
    const shown = (await md.textContent()) ?? "";
    for (const raw of ["<b>bold?</b>", "<img src=x>", '<div class="x">block html</div>', "remote"]) assert.ok(shown.includes(raw), `${raw} is shown as text in: ${shown}`);
    const bad = md.locator("a", { hasText: "bad" });
    assert.equal(await bad.getAttribute("href"), null, "no href for a javascript: link");
    assert.deepEqual(await md.locator("li .md-task").evaluateAll((els) => els.map((e) => [e.textContent, e.getAttribute("aria-label")])), [
      ["☑ ", "done"],
      ["☐ ", "to do"],
    ]);
    assert.equal(await md.locator("input").count(), 0);
  });
});
