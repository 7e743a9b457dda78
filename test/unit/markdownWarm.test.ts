// The page readies marked while idle (webview/markdown.ts warmMarkdown): it must get through
// every rule and the sample document, and leave rendering as it was.
import * as assert from "node:assert/strict";
import { Lexer } from "marked";
import { markdownWarm, renderMarkdown, warmMarkdown } from "../../webview/markdown";

describe("markdown warm-up", () => {
  it("runs every gfm rule and the sample, once, without changing what renders", async () => {
    const text = "Some **bold** and `code`\n\n- one\n- two";
    const before = JSON.stringify(Lexer.lex(text, { gfm: true, breaks: false }));
    warmMarkdown();
    const again = warmMarkdown(); // a second call (another view) does nothing more
    await Promise.race([markdownWarm, new Promise((_, reject) => setTimeout(() => reject(new Error("the warm-up did not finish in 10 s")), 10_000))]);
    again();
    assert.equal(JSON.stringify(Lexer.lex(text, { gfm: true, breaks: false })), before, "the rules still lex as before");
    assert.ok(renderMarkdown(text).nodes);
  });
});
