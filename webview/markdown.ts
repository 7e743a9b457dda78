// Model output is untrusted: markdown is rendered by marked and then sanitized by DOMPurify
// with a strict allowlist (no scripts, styles, forms, frames, event handlers or non-http links).
import DOMPurify from "dompurify";
import { Marked } from "marked";
import { highlightCode } from "./highlight";

const escapeHtml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

// Raw HTML in an answer is shown as text, never parsed: a model that writes `<div>` in prose
// means the characters, and an unparsed tag cannot even trip the CSP (Chromium reports inline
// handlers found while DOMPurify parses, though nothing runs). DOMPurify stays as the backstop.
// Code blocks get a toolbar (Copy, Insert at cursor); webview/codeBlockActions.ts handles the
// clicks by delegation, so no handler is ever inlined.
/** The languages the block being rendered waits for (set for the length of one synchronous parse). */
let waitingFor: Set<string> | undefined;
const marked = new Marked({
  gfm: true,
  breaks: false,
  async: false,
  renderer: {
    html: ({ text }) => escapeHtml(text),
    code: ({ text, lang }) => {
      const highlighted = highlightCode(text, lang, waitingFor);
      const label = lang?.trim().split(/\s+/)[0] ?? "";
      return (
        `<div class="code-block"><div class="code-actions">` +
        `<span class="code-lang">${escapeHtml(label)}</span>` +
        `<button type="button" class="link code-copy" data-code-action="copy" aria-label="Copy code">Copy</button>` +
        `<button type="button" class="link code-insert" data-code-action="insert" aria-label="Insert code at the cursor">Insert</button>` +
        `</div><pre><code class="${highlighted ? "hljs" : "plain"}">${highlighted ?? escapeHtml(text)}</code></pre></div>`
      );
    },
  },
});

const ALLOWED_TAGS = [
  "p", "br", "hr", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li",
  "h1", "h2", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td", "span", "img",
  // Only from our own code-block renderer: raw HTML from the model is escaped above.
  "div", "button",
];
const ALLOWED_ATTR = ["href", "title", "alt", "src", "class", "start", "align", "type", "aria-label", "data-code-action"];
const SAFE_URL = /^(?:https?:|mailto:|#)/i;

let hooked = false;
function installHooks(): void {
  if (hooked) return;
  hooked = true;
  DOMPurify.addHook("afterSanitizeAttributes", (node) => {
    if (node.tagName === "A") {
      const href = node.getAttribute("href") ?? "";
      if (!SAFE_URL.test(href.trim())) node.removeAttribute("href");
      node.setAttribute("rel", "noopener noreferrer");
      node.setAttribute("target", "_blank");
    }
    if (node.tagName === "IMG") {
      // No remote content: only inline data images survive (the CSP blocks the rest anyway).
      const src = node.getAttribute("src") ?? "";
      if (!/^data:image\/(?:png|gif|jpeg|webp);/i.test(src)) node.removeAttribute("src");
    }
  });
}

export interface RenderedMarkdown {
  html: string;
  /** Languages of code blocks shown plain because their highlighter is still loading. */
  waiting: ReadonlySet<string>;
}

export function renderMarkdown(text: string): RenderedMarkdown {
  installHooks();
  const waiting = new Set<string>();
  waitingFor = waiting;
  let html: string;
  try {
    html = marked.parse(text) as string;
  } finally {
    waitingFor = undefined;
  }
  return { html: DOMPurify.sanitize(html, { ALLOWED_TAGS, ALLOWED_ATTR, ALLOW_DATA_ATTR: false }), waiting };
}
