// The codicons the page uses. Only these glyphs get a rule in media/codicons.css (generated from
// @vscode/codicons by scripts/codicons.ts), so an icon not listed here does not typecheck.
export const ICON_NAMES = [
  "add",
  "arrow-down",
  "attach",
  "bell",
  "bell-dot",
  "bell-slash",
  "check",
  "chevron-down",
  "chevron-right",
  "circle-filled",
  "circle-slash",
  "close",
  "comment-discussion",
  "debug-stop",
  "edit",
  "error",
  "file",
  "history",
  "link-external",
  "list-unordered",
  "loading",
  "pass-filled",
  "question",
  "send",
  "terminal",
  "tools",
  "warning",
] as const;

export type IconName = (typeof ICON_NAMES)[number];
