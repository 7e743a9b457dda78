// Model output is untrusted: markdown is rendered by marked and then sanitized by DOMPurify
// with a strict allowlist (no scripts, styles, forms, frames, event handlers or non-http links).
import DOMPurify from "dompurify";
import { Marked } from "marked";

const escapeHtml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

// Raw HTML in an answer is shown as text, never parsed: a model that writes `<div>` in prose
// means the characters, and an unparsed tag cannot even trip the CSP (Chromium reports inline
// handlers found while DOMPurify parses, though nothing runs). DOMPurify stays as the backstop.
const marked = new Marked({ gfm: true, breaks: false, async: false, renderer: { html: ({ text }) => escapeHtml(text) } });

const ALLOWED_TAGS = [
  "p", "br", "hr", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li",
  "h1", "h2", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td", "span", "img",
];
const ALLOWED_ATTR = ["href", "title", "alt", "src", "class", "start", "align"];
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

export function renderMarkdown(text: string): string {
  installHooks();
  const html = marked.parse(text) as string;
  return DOMPurify.sanitize(html, { ALLOWED_TAGS, ALLOWED_ATTR, ALLOW_DATA_ATTR: false });
}
