// The state of the composer's completion list: which trigger is active, its options (pi's
// commands, asked once per opening; files, searched as the query changes, stale answers
// dropped), the highlighted option, and Escape's "not now" for the word being typed.
import { useEffect, useRef, useState } from "preact/hooks";
import type { SlashCommand } from "../../src/protocol/types";
import { commandInsertion, fileInsertion, filterCommands, triggerAt, type Trigger } from "../completion";
import type { ChatTransport } from "../transport";

export interface CompletionOption {
  /** Stable key and what is inserted. */
  insertion: string;
  label: string;
  detail?: string;
  badge?: string;
}

export interface Completion {
  trigger: Trigger;
  options: CompletionOption[];
  /** Still waiting for the first answer. */
  loading: boolean;
  active: number;
}

/** Files are searched after a short pause in typing, not on every key. */
const FILE_SEARCH_DELAY_MS = 60;

function commandOption(c: SlashCommand): CompletionOption {
  return { insertion: commandInsertion(c), label: `/${c.name}`, detail: c.description, badge: c.source };
}

function fileOption(path: string): CompletionOption {
  const slash = path.lastIndexOf("/");
  return { insertion: fileInsertion(path), label: path.slice(slash + 1), detail: slash > 0 ? path.slice(0, slash) : undefined };
}

const sameTrigger = (a: Trigger | undefined, b: Trigger | undefined) => !!a && !!b && a.kind === b.kind && a.start === b.start;

export function useCompletion(transport: ChatTransport, text: string, caret: number, chatId: string | undefined) {
  const raw = triggerAt(text, caret);
  const supported = raw && transport.can(raw.kind === "command" ? "commands" : "findFiles") ? raw : undefined;
  const [dismissed, setDismissed] = useState<Trigger | undefined>();
  const trigger = supported && !sameTrigger(supported, dismissed) ? supported : undefined;
  const [commands, setCommands] = useState<SlashCommand[] | undefined>();
  const [files, setFiles] = useState<{ query: string; paths: string[] } | undefined>();
  // The highlight belongs to the word it was moved in: a new word starts at the top. Kept with
  // its word, not reset by an effect, which runs after the next paint and so could undo an
  // arrow key pressed right after typing.
  const wordKey = trigger ? `${trigger.kind}:${trigger.start}:${trigger.query}` : "";
  const [highlight, setHighlight] = useState<{ word: string; index: number }>({ word: "", index: 0 });
  const active = highlight.word === wordKey ? highlight.index : 0;
  const setActive = (index: number) => setHighlight({ word: wordKey, index });
  const search = useRef(0);

  // Forget "not now" once the caret has left that word.
  useEffect(() => {
    if (dismissed && !sameTrigger(supported, dismissed)) setDismissed(undefined);
  }, [supported?.kind, supported?.start]);

  // Commands: asked whenever the list opens (the host caches them; a new session may have others).
  const commandsOpen = trigger?.kind === "command";
  useEffect(() => {
    if (!commandsOpen) return;
    let current = true;
    transport
      .call("commands", {})
      .then(({ commands: list }) => current && setCommands(Array.isArray(list) ? list.filter((c) => typeof c?.name === "string") : []))
      .catch(() => current && setCommands([]));
    return () => {
      current = false;
    };
  }, [commandsOpen, chatId, transport]);

  const fileQuery = trigger?.kind === "file" ? trigger.query : undefined;
  useEffect(() => {
    if (fileQuery === undefined) return;
    const id = ++search.current;
    const timer = setTimeout(() => {
      transport
        .call("findFiles", { query: fileQuery })
        .then(({ files: paths }) => id === search.current && setFiles({ query: fileQuery, paths: Array.isArray(paths) ? paths.filter((p) => typeof p === "string") : [] }))
        .catch(() => id === search.current && setFiles({ query: fileQuery, paths: [] }));
    }, FILE_SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [fileQuery, transport]);

  let completion: Completion | undefined;
  if (trigger?.kind === "command") {
    const options = commands ? filterCommands(commands, trigger.query).map(commandOption) : [];
    // No commands at all (pi not running yet, nothing installed): no list to get in the way.
    if (!commands || commands.length) completion = { trigger, options, loading: !commands, active };
  } else if (trigger?.kind === "file") {
    completion = { trigger, options: files ? files.paths.map(fileOption) : [], loading: !files, active };
  }
  if (completion) completion.active = Math.min(active, Math.max(0, completion.options.length - 1));

  return {
    completion,
    /** Moves the highlight by `delta`, wrapping around. */
    move(delta: number) {
      const n = completion?.options.length ?? 0;
      if (n) setActive(((completion?.active ?? 0) + delta + n) % n);
    },
    setActive,
    dismiss() {
      setDismissed(trigger);
    },
  };
}
