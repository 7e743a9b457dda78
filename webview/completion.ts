// What the composer completes: `/command` when the message starts with a slash, `@path` at the
// start of any word. Pure text functions; the hook (useCompletion.ts) keeps the state.
import { mention } from "../src/protocol/mentions";
import type { SlashCommand } from "../src/protocol/types";

export interface Trigger {
  kind: "command" | "file";
  /** What was typed after `/` or `@`. */
  query: string;
  /** Where the `/` or `@` is. */
  start: number;
}

/** The completion the text before the caret asks for, if any. */
export function triggerAt(text: string, caret: number): Trigger | undefined {
  const before = text.slice(0, caret);
  // pi runs a command only when the whole message starts with it.
  const command = /^\/(\S*)$/.exec(before);
  if (command) return { kind: "command", query: command[1], start: 0 };
  const file = /(?:^|\s)@([^\s@"]*)$/.exec(before);
  if (file) return { kind: "file", query: file[1], start: caret - file[1].length - 1 };
  return undefined;
}

/** The text with the trigger's word replaced by `insertion` and one space, and where the caret goes. */
export function applyPick(text: string, trigger: Trigger, caret: number, insertion: string): { text: string; caret: number } {
  // The rest of the word after the caret belongs to what is being replaced.
  let end = caret;
  while (end < text.length && !/\s/.test(text[end])) end++;
  const after = text.slice(end);
  const inserted = after.startsWith(" ") ? insertion : `${insertion} `;
  return { text: text.slice(0, trigger.start) + inserted + after, caret: trigger.start + inserted.length + (after.startsWith(" ") ? 1 : 0) };
}

/** What a picked option inserts. */
export function commandInsertion(command: SlashCommand): string {
  return `/${command.name}`;
}

export function fileInsertion(path: string): string {
  return mention(path);
}

/** Most options shown; more would only scroll. */
export const MAX_OPTIONS = 50;

/** Commands whose name starts with the query first, then those containing it (name or description). */
export function filterCommands(commands: readonly SlashCommand[], query: string): SlashCommand[] {
  const q = query.toLowerCase();
  const byName = (a: SlashCommand, b: SlashCommand) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const prefix = commands.filter((c) => c.name.toLowerCase().startsWith(q)).sort(byName);
  const inside = commands
    .filter((c) => !c.name.toLowerCase().startsWith(q) && (c.name.toLowerCase().includes(q) || (c.description ?? "").toLowerCase().includes(q)))
    .sort(byName);
  return [...prefix, ...inside].slice(0, MAX_OPTIONS);
}

/** The completion list's element id, and its options' (the textarea points at them). */
export const COMPLETION_LIST_ID = "composer-completions";

export function optionId(index: number): string {
  return `${COMPLETION_LIST_ID}-${index}`;
}
