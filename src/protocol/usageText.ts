// One wording for a session's usage, in the chat header and VS Code's status bar.
import type { ChatUsage } from "./transcript";

export function usageText(usage: ChatUsage | undefined): string {
  if (!usage) return "";
  const tokens = usage.totalTokens >= 1000 ? `${(usage.totalTokens / 1000).toFixed(1)}k` : String(usage.totalTokens);
  const ctx = usage.contextPercent !== undefined ? ` · ${usage.contextPercent.toFixed(0)}% context` : "";
  return `${tokens} tokens · $${usage.cost.toFixed(3)}${ctx}`;
}
