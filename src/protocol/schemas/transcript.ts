// The transcript a view shows, as schemas: the host sends it as a snapshot on (re)connect and
// then as small patches. The TypeScript types in ../transcript.ts are derived from these, so a
// field is declared once and the contract tests can check every reply against it.
import { Type } from "typebox";

export const ChatStatusSchema = Type.Enum(["starting", "ready", "working", "stopped", "crashed", "error"]);

export const UserItemSchema = Type.Object({
  kind: Type.Literal("user"),
  id: Type.String(),
  text: Type.String(),
  imageCount: Type.Optional(Type.Number()),
  /** pi's session entry of this message, once known: "Rewind to here" names it. */
  entryId: Type.Optional(Type.String()),
});

export const AssistantBlockSchema = Type.Union([
  Type.Object({ type: Type.Literal("text"), text: Type.String() }),
  Type.Object({ type: Type.Literal("thinking"), text: Type.String() }),
  Type.Object({ type: Type.Literal("toolCall"), toolCallId: Type.String(), name: Type.String(), args: Type.String() }),
]);

export const AssistantItemSchema = Type.Object({
  kind: Type.Literal("assistant"),
  id: Type.String(),
  blocks: Type.Array(AssistantBlockSchema),
  /** True while pi is still streaming this message. */
  streaming: Type.Boolean(),
  errorMessage: Type.Optional(Type.String()),
});

/**
 * Structured facts about one tool call, read from pi's arguments and results. The host sends
 * them with the item when the tool starts (path, command, range) and once more, complete, with
 * the `finish` patch (exit code, duration, diff): a diff never travels per delta.
 */
export const ToolDetailsSchema = Type.Object({
  /** read, write, edit: the path argument as pi was given it (relative to the workspace, usually). */
  path: Type.Optional(Type.String()),
  /** read: the first line asked for (1-based) and how many lines; absent = from the start / to the end. */
  offset: Type.Optional(Type.Number()),
  limit: Type.Optional(Type.Number()),
  /** bash: the command line. */
  command: Type.Optional(Type.String()),
  /** bash: the shell's exit status (absent when it has none: timed out, aborted, denied). */
  exitCode: Type.Optional(Type.Number()),
  /** bash: milliseconds from start to end, measured by the host (live runs only, not from history). */
  durationMs: Type.Optional(Type.Number()),
  /** write, edit: the change as a unified diff (`---`/`+++` header, `@@` hunks). */
  diff: Type.Optional(Type.String()),
  /** The diff was cut short to keep the transcript small ("Open diff" shows all of it). */
  diffTruncated: Type.Optional(Type.Boolean()),
  /** write, edit: the host kept the file's before/after images, so a view may offer "Open diff". */
  snapshot: Type.Optional(Type.Boolean()),
});

export const ToolItemSchema = Type.Object({
  kind: Type.Literal("tool"),
  /** pi's toolCallId. */
  id: Type.String(),
  name: Type.String(),
  /** Arguments as pretty JSON (display only). */
  args: Type.String(),
  status: Type.Enum(["running", "done", "error"]),
  output: Type.String(),
  /** What the card shows beyond name, arguments and output (known tools only; see host/toolDetails.ts). */
  details: Type.Optional(ToolDetailsSchema),
});

export const NoticeItemSchema = Type.Object({
  kind: Type.Literal("notice"),
  id: Type.String(),
  level: Type.Enum(["info", "warning", "error"]),
  text: Type.String(),
  /** Extra detail, e.g. pi's stderr tail after a crash. */
  detail: Type.Optional(Type.String()),
  /** Epoch ms something happens (an automatic retry): views count down to it. */
  until: Type.Optional(Type.Number()),
  /** After a rewind: restoring this checkpoint undoes its file part ("Undo rewind"). */
  undoRewind: Type.Optional(Type.String()),
});

/** What pi changed in one run (checkpoint before it ↔ after it); diffs are fetched on demand. */
export const ChangesItemSchema = Type.Object({
  kind: Type.Literal("changes"),
  id: Type.String(),
  /** The checkpoint taken before the run: review actions name the turn by it. */
  turnId: Type.String(),
  files: Type.Array(
    Type.Object({
      path: Type.String(),
      status: Type.Enum(["added", "modified", "deleted"]),
      additions: Type.Number(),
      deletions: Type.Number(),
      binary: Type.Boolean(),
    }),
  ),
  /** "3 files changed, +12 −4" */
  summary: Type.String(),
});

/** A question from pi (a pi extension's dialog, or bash approval), answered in the chat. */
export const DialogItemSchema = Type.Object({
  kind: Type.Literal("dialog"),
  /** pi's extension_ui_request id. */
  id: Type.String(),
  method: Type.Enum(["select", "confirm", "input", "editor"]),
  title: Type.String(),
  message: Type.Optional(Type.String()),
  options: Type.Optional(Type.Array(Type.String())),
  placeholder: Type.Optional(Type.String()),
  prefill: Type.Optional(Type.String()),
  state: Type.Enum(["open", "answered", "cancelled"]),
  /** Epoch ms pi stops waiting (a dialog with a timeout): views count down to it. */
  until: Type.Optional(Type.Number()),
  /** What was answered (shown once closed). */
  answer: Type.Optional(Type.String()),
  /** Set when the question is the guard's edit proposal (pi.edits.approval: ask): views show its diff. */
  proposal: Type.Optional(
    Type.Object({
      display: Type.String(),
      verb: Type.Enum(["edit", "write", "create"]),
      canAcceptAll: Type.Boolean(),
      sensitive: Type.Optional(Type.String()),
    }),
  ),
});

export const ChatItemSchema = Type.Union([UserItemSchema, AssistantItemSchema, ToolItemSchema, NoticeItemSchema, DialogItemSchema, ChangesItemSchema]);

export const ChatUsageSchema = Type.Object({
  inputTokens: Type.Number(),
  outputTokens: Type.Number(),
  totalTokens: Type.Number(),
  /** In dollars, as pi computes it from the model's prices. */
  cost: Type.Number(),
  /** Share of the context window in use, 0–100 (unknown until pi reports it). */
  contextPercent: Type.Optional(Type.Number()),
  contextWindow: Type.Optional(Type.Number()),
});

export const ChatInfoSchema = Type.Object({
  chatId: Type.String(),
  /** Workspace folder pi runs in. */
  cwd: Type.String(),
  title: Type.String(),
  /** "provider/id". */
  model: Type.Optional(Type.String()),
  thinkingLevel: Type.Optional(Type.String()),
  usage: Type.Optional(ChatUsageSchema),
  /** Messages waiting while pi works (steering first, then follow-ups). */
  queue: Type.Optional(Type.Object({ steering: Type.Array(Type.String()), followUp: Type.Array(Type.String()) })),
  /** Lines a pi extension shows in the chat (setWidget), by widget key. */
  widgets: Type.Optional(Type.Record(Type.String(), Type.Array(Type.String()))),
  /** Who is looking: views of this chat in VS Code, and browsers streaming it. */
  viewers: Type.Optional(Type.Object({ vscode: Type.Number(), browser: Type.Number() })),
});

export const ChatPatchSchema = Type.Union([
  Type.Object({ op: Type.Literal("add"), item: ChatItemSchema }),
  /** Replaces an item wholesale; used only for small, finished items. */
  Type.Object({ op: Type.Literal("replace"), item: ChatItemSchema }),
  /** Appends streamed text to one block of an assistant item (creating the block if needed). */
  Type.Object({ op: Type.Literal("append"), itemId: Type.String(), block: Type.Number(), blockType: Type.Enum(["text", "thinking"]), delta: Type.String() }),
  /** Appends tool output; `reset` first clears it (when pi's cumulative output was not a prefix extension). */
  Type.Object({ op: Type.Literal("toolOutput"), itemId: Type.String(), delta: Type.String(), reset: Type.Optional(Type.Boolean()) }),
  /** Marks an item finished: an assistant message stops streaming, a tool gets its final status (and, when given, its complete details). */
  Type.Object({
    op: Type.Literal("finish"),
    itemId: Type.String(),
    toolStatus: Type.Optional(Type.Enum(["done", "error"])),
    errorMessage: Type.Optional(Type.String()),
    details: Type.Optional(ToolDetailsSchema),
  }),
  Type.Object({ op: Type.Literal("status"), status: ChatStatusSchema, detail: Type.Optional(Type.String()) }),
  Type.Object({ op: Type.Literal("info"), info: ChatInfoSchema }),
]);

/** A run of patches; `seq` is the sequence number of the last patch in it. */
export const PatchBatchSchema = Type.Object({
  chatId: Type.String(),
  seq: Type.Number(),
  patches: Type.Array(ChatPatchSchema),
});

/**
 * The state of a chat, sent when a view (re)connects. A long chat's snapshot carries only its
 * latest items (see ../transcriptPages.ts); `older` counts the ones before them, which the view
 * pages in with the `olderItems` action as the user scrolls up.
 */
export const ChatSnapshotSchema = Type.Object({
  info: ChatInfoSchema,
  status: ChatStatusSchema,
  statusDetail: Type.Optional(Type.String()),
  items: Type.Array(ChatItemSchema),
  /** Items before `items[0]` left out of the snapshot (absent: none, `items` is the whole chat). */
  older: Type.Optional(Type.Number()),
  /** Sequence number of the last patch folded into this snapshot. */
  seq: Type.Number(),
});

/** A page of older items: the ones just before the item the view asked about. */
export const OlderItemsSchema = Type.Object({
  items: Type.Array(ChatItemSchema),
  /** Items still before `items[0]` (0: the page reaches the start of the chat). */
  older: Type.Number(),
  /** The items are as of this patch (always the end of a batch the views were sent). */
  seq: Type.Number(),
});
