// Text the editor adds to a chat's draft: a selection as a fenced block under its
// `@path:lines` header, and a file's problems as a short list. Plain text, no VS Code types,
// so it is the same wherever it comes from and easy to test.
import * as path from "node:path";
import { mention } from "../protocol/mentions";

/** `file` as a mention: relative to `base` when inside it, else absolute. */
export function mentionOf(base: string | undefined, file: string): string {
  if (base) {
    const rel = path.relative(base, file);
    if (rel && !rel.startsWith("..") && !path.isAbsolute(rel)) return mention(rel.split(path.sep).join("/"));
  }
  return mention(file);
}

/** A fence longer than any backtick run in `text`, so the block cannot end early. */
function fenceFor(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  return "`".repeat(Math.max(3, longest + 1));
}

export interface SelectionSnippet {
  /** `@path` of the file. */
  mention: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  /** The editor's language id (the fence's info string; omitted when plain text). */
  languageId?: string;
  text: string;
}

export function selectionBlock(s: SelectionSnippet): string {
  const lines = s.startLine === s.endLine ? `${s.startLine}` : `${s.startLine}-${s.endLine}`;
  const body = s.text.replace(/\r\n/g, "\n").replace(/\n$/, "");
  const fence = fenceFor(body);
  const lang = s.languageId && s.languageId !== "plaintext" && /^[\w+#.-]+$/.test(s.languageId) ? s.languageId : "";
  return `${s.mention}:${lines}\n${fence}${lang}\n${body}\n${fence}\n`;
}

export interface Problem {
  /** 1-based. */
  line: number;
  column: number;
  severity: "error" | "warning" | "info";
  message: string;
  source?: string;
  code?: string;
}

const SEVERITY_ORDER: Record<Problem["severity"], number> = { error: 0, warning: 1, info: 2 };

/** Most problems listed; a file with hundreds would drown the message. */
export const MAX_PROBLEMS = 30;

export function problemsList(fileMention: string, problems: readonly Problem[]): string {
  const sorted = [...problems].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.line - b.line || a.column - b.column);
  const shown = sorted.slice(0, MAX_PROBLEMS).map((p) => {
    const origin = [p.source, p.code].filter(Boolean).join(" ");
    // One line each: a multi-line compiler message is folded.
    const message = p.message.replace(/\s*\n\s*/g, " ").trim();
    return `- ${p.line}:${p.column} ${p.severity}: ${message}${origin ? ` (${origin})` : ""}`;
  });
  const more = sorted.length > MAX_PROBLEMS ? [`- … and ${sorted.length - MAX_PROBLEMS} more`] : [];
  return `${[`Problems in ${fileMention}:`, ...shown, ...more].join("\n")}\n`;
}
