// Model output is untrusted: markdown is parsed by marked's lexer and its tokens become Preact
// elements here, one by one, from a fixed set of tags with fixed attributes. No HTML string
// from the model is ever parsed, so there is nothing to sanitize after the fact: raw HTML in an
// answer is shown as the characters it is, a link keeps its href only for http(s)/mailto/#,
// an image only for inline data. (The page used to render marked's HTML and clean it with
// DOMPurify: 12 KB gzipped on every first paint, and a parse of every block twice.)
// Code blocks get a toolbar (Copy, Insert at cursor); webview/codeBlockActions.ts handles the
// clicks by delegation, so no handler is ever inlined.
import { Lexer, type Token, type Tokens } from "marked";
import { type ComponentChildren, h } from "preact";
import { highlightCode } from "./highlight";
import { onIdle } from "./idle";
import { guardBlockRules } from "./markdownRules";

const SAFE_HREF = /^(?:https?:|mailto:|#)/i;
const SAFE_IMAGE = /^data:image\/(?:png|gif|jpeg|webp);/i;

/** Named and numeric character references in inline text, as the browser would read them. */
let decoder: HTMLTextAreaElement | undefined;
function decodeEntities(text: string): string {
  if (!/&(?:#\d+|#x[\da-f]+|[a-z][a-z\d]*);/i.test(text)) return text;
  // A textarea's content is RCDATA: setting it decodes references and never makes an element.
  decoder ??= document.createElement("textarea");
  decoder.innerHTML = text;
  return decoder.value;
}

interface Context {
  /** Fence words whose highlighter is still loading. */
  waiting: Set<string>;
}

function inline(tokens: Token[] | undefined, cx: Context): ComponentChildren[] {
  return (tokens ?? []).map((t) => inlineToken(t, cx));
}

function inlineToken(t: Token, cx: Context): ComponentChildren {
  switch (t.type) {
    case "text":
      return t.tokens ? inline(t.tokens, cx) : decodeEntities((t as Tokens.Text).text);
    case "escape":
      return (t as Tokens.Escape).text;
    case "strong":
      return h("strong", null, inline(t.tokens, cx));
    case "em":
      return h("em", null, inline(t.tokens, cx));
    case "del":
      return h("del", null, inline(t.tokens, cx));
    case "codespan":
      return h("code", null, (t as Tokens.Codespan).text);
    case "br":
      return h("br", null);
    case "checkbox":
      return h("span", { class: "md-task", role: "img", "aria-label": (t as Tokens.Checkbox).checked ? "done" : "to do" }, (t as Tokens.Checkbox).checked ? "☑ " : "☐ ");
    case "link": {
      const link = t as Tokens.Link;
      const href = (link.autolink ? link.href : decodeEntities(link.href)).trim();
      const safe = SAFE_HREF.test(href);
      return h("a", { href: safe ? href : undefined, title: link.title ?? undefined, rel: "noopener noreferrer", target: "_blank" }, inline(link.tokens, cx));
    }
    case "image": {
      const image = t as Tokens.Image;
      // No remote content: a remote image shows its alt text (the CSP would block it anyway).
      if (!SAFE_IMAGE.test(image.href.trim())) return decodeEntities(image.text);
      return h("img", { src: image.href.trim(), alt: decodeEntities(image.text), title: image.title ?? undefined });
    }
    // Raw HTML (a tag inline) and anything unknown: the characters, never markup.
    default:
      return "text" in t && typeof t.text === "string" ? t.text : t.raw;
  }
}

function codeBlock(t: Tokens.Code, cx: Context): ComponentChildren {
  const highlighted = highlightCode(t.text, t.lang, cx.waiting);
  const label = t.lang?.trim().split(/\s+/)[0] ?? "";
  return h(
    "div",
    { class: "code-block" },
    h(
      "div",
      { class: "code-actions" },
      h("span", { class: "code-lang" }, label),
      h("button", { type: "button", class: "link code-copy", "data-code-action": "copy", "aria-label": "Copy code" }, "Copy"),
      h("button", { type: "button", class: "link code-insert", "data-code-action": "insert", "aria-label": "Insert code at the cursor" }, "Insert"),
    ),
    h("pre", null, highlighted === undefined ? h("code", { class: "plain" }, t.text) : h("code", { class: "hljs", dangerouslySetInnerHTML: { __html: highlighted } })),
  );
}

function table(t: Tokens.Table, cx: Context): ComponentChildren {
  const cell = (tag: "th" | "td", c: Tokens.TableCell) => h(tag, { align: c.align ?? undefined }, inline(c.tokens, cx));
  return h(
    "table",
    null,
    h("thead", null, h("tr", null, t.header.map((c) => cell("th", c)))),
    t.rows.length ? h("tbody", null, t.rows.map((row) => h("tr", null, row.map((c) => cell("td", c))))) : null,
  );
}

function blocks(tokens: Token[], cx: Context, top: boolean): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    switch (t.type) {
      case "space":
      case "def":
        break;
      case "paragraph":
        out.push(h("p", null, inline(t.tokens, cx)));
        break;
      case "heading":
        out.push(h(`h${Math.min(6, Math.max(1, (t as Tokens.Heading).depth))}`, null, inline(t.tokens, cx)));
        break;
      case "code":
        out.push(codeBlock(t as Tokens.Code, cx));
        break;
      case "blockquote":
        out.push(h("blockquote", null, blocks(t.tokens ?? [], cx, true)));
        break;
      case "hr":
        out.push(h("hr", null));
        break;
      // A tight task item's box comes before its text, at this level.
      case "checkbox":
        out.push(inlineToken(t, cx));
        break;
      case "list": {
        const list = t as Tokens.List;
        const items = list.items.map((item) => h("li", null, blocks(item.tokens, cx, false)));
        out.push(list.ordered ? h("ol", { start: list.start !== "" && list.start !== 1 ? list.start : undefined }, items) : h("ul", null, items));
        break;
      }
      case "table":
        out.push(table(t as Tokens.Table, cx));
        break;
      case "text": {
        // A tight list item's text; consecutive ones are one run, a paragraph at the top level.
        const run: ComponentChildren[] = [inlineToken(t, cx)];
        while (tokens[i + 1]?.type === "text") run.push("\n", inlineToken(tokens[++i], cx));
        out.push(top ? h("p", null, run) : run);
        break;
      }
      // Block-level raw HTML: shown as text, in a paragraph of its own.
      default:
        out.push(h("p", null, "text" in t && typeof t.text === "string" ? t.text : t.raw));
    }
  }
  return out;
}

export interface RenderedMarkdown {
  nodes: ComponentChildren;
  /** Languages of code blocks shown plain because their highlighter is still loading. */
  waiting: ReadonlySet<string>;
}

export function renderMarkdown(text: string): RenderedMarkdown {
  guardBlockRules();
  const cx: Context = { waiting: new Set() };
  return { nodes: blocks(Lexer.lex(text, { gfm: true, breaks: false }), cx, true), waiting: cx.waiting };
}

/** What the first answer of a page typically holds: each construct's code runs once here. */
const WARM_SAMPLE = "# A\n\nSome **bold**, *em*, `code`, ~~del~~ and [a link](https://x.y).\nNext line\n\n- one\n- two\n\n1. first\n\n> quote\n\n```\nlet x = 1;\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";

let warmed = false;
let warmDone: () => void = () => {};
/** Resolves once warmMarkdown has run every rule and the sample. */
export const markdownWarm = new Promise<void>((resolve) => (warmDone = resolve));

/**
 * Readies marked for the first answer while the page is idle. V8 compiles a regular
 * expression the first time it runs, and marked's rules are large (the HTML tag list inside
 * its paragraph and setext-heading rules): the first markdown a page lexed cost ~70 ms on a
 * 2-core machine, paid on the first streamed delta of a new chat. Each rule is run once in
 * its own idle slice (the largest takes ~20 ms), then a sample document runs the rest.
 */
export function warmMarkdown(): () => void {
  if (warmed) return () => {};
  warmed = true;
  const { block, inline } = Lexer.rules;
  const rules = [...guardBlockRules(), ...Object.values(block.gfm), ...Object.values(inline.gfm)].filter((r): r is RegExp => r instanceof RegExp);
  let cancel = () => {};
  const step = (deadline: { timeRemaining(): number }) => {
    do {
      const rule = rules.pop();
      if (!rule) {
        renderMarkdown(WARM_SAMPLE);
        warmDone();
        return;
      }
      // Twice: V8 interprets a new expression's first run and compiles it at the second.
      for (let i = 0; i < 2; i++) {
        rule.lastIndex = 0;
        rule.exec("Some text, then <div> and **more**\n");
      }
      rule.lastIndex = 0;
    } while (deadline.timeRemaining() > 12);
    cancel = onIdle(step, 5_000);
  };
  cancel = onIdle(step, 5_000);
  return () => cancel();
}
