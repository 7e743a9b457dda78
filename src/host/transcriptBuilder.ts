// Folds pi's event stream into the normalized transcript and emits the small patches
// that views apply. The host's ChatState is the truth that snapshots are cut from.
import type { PiEvent } from "../pi/rpcTypes";
import {
  applyPatch,
  emptyState,
  type AssistantBlock,
  type ChatItem,
  type ChatPatch,
  type ChatState,
  type NoticeItem,
} from "../protocol/transcript";
import { explainPiError } from "./lmBridge/errors";
import { BRIDGE_PROVIDER } from "./lmBridge/providerFile";
import { assistantBlocksOf, imageCountOf, prettyArgs, shownBlocks, textOf, toolCallArgsOf, toolResultText } from "./messageContent";
import { endDetails, startDetails } from "./toolDetails";
import type { SnapshotReader } from "./toolSnapshots";

interface HistoryMessage {
  role?: unknown;
  content?: unknown;
  toolCallId?: unknown;
  toolName?: unknown;
  isError?: unknown;
  details?: unknown;
  errorMessage?: unknown;
  stopReason?: unknown;
}

function sameBlocks(a: AssistantBlock[], b: AssistantBlock[]): boolean {
  return a.length === b.length && a.every((block, i) => JSON.stringify(block) === JSON.stringify(b[i]));
}

function assistantError(message: HistoryMessage): string | undefined {
  if (message.stopReason === "aborted") return "Stopped.";
  if (message.stopReason !== "error") return undefined;
  if (typeof message.errorMessage !== "string") return "The model returned an error.";
  return explainPiError(message.errorMessage, BRIDGE_PROVIDER);
}

export class TranscriptBuilder {
  readonly state: ChatState = emptyState();
  private counter = 0;
  private currentAssistant: string | undefined;
  /** Text blocks only ever grow while streaming: we track the rendered ones by content index. */
  private blockTypes = new Map<number, "text" | "thinking">();
  /** Tools between start and end: their raw arguments (items hold only pretty JSON) and start time. */
  private runningTools = new Map<string, { args: unknown; startedAt: number }>();

  /** `snapshots`: the guard's before/after images of files, for write diffs (absent: no write diffs). */
  constructor(
    private readonly emit: (patch: ChatPatch) => void,
    private readonly snapshots?: SnapshotReader,
  ) {}

  /** Applies a patch to the truth and forwards it to the views. */
  apply(patch: ChatPatch): void {
    if (!applyPatch(this.state, patch)) return;
    this.state.seq++;
    this.emit(patch);
  }

  notice(level: NoticeItem["level"], text: string, detail?: string, until?: number): void {
    this.apply({ op: "add", item: { kind: "notice", id: this.nextId("n"), level, text, detail, ...(until ? { until } : {}) } });
  }

  /** Rebuilds the items from pi's message history (resume, restart). The caller sends a snapshot. */
  loadHistory(messages: unknown[]): void {
    const items: ChatItem[] = [];
    const tools = new Map<string, number>();
    const toolArgs = new Map<string, unknown>();
    for (const raw of messages) {
      if (typeof raw !== "object" || raw === null) continue;
      const m = raw as HistoryMessage;
      if (m.role === "user") {
        items.push({ kind: "user", id: this.nextId("u"), text: textOf(m.content), imageCount: imageCountOf(m.content) || undefined });
      } else if (m.role === "assistant") {
        const blocks = assistantBlocksOf(m.content);
        for (const [id, args] of toolCallArgsOf(m.content)) toolArgs.set(id, args);
        items.push({ kind: "assistant", id: this.nextId("a"), blocks: shownBlocks(blocks), streaming: false, errorMessage: assistantError(m) });
        for (const b of blocks) {
          if (b.type !== "toolCall") continue;
          tools.set(b.toolCallId, items.length);
          const details = startDetails(b.name, toolArgs.get(b.toolCallId));
          items.push({ kind: "tool", id: b.toolCallId || this.nextId("t"), name: b.name, args: b.args, status: "done", output: "", ...(details ? { details } : {}) });
        }
      } else if (m.role === "toolResult" && typeof m.toolCallId === "string") {
        const at = tools.get(m.toolCallId);
        const tool = at === undefined ? undefined : items[at];
        if (tool && tool.kind === "tool") {
          const isError = m.isError === true;
          const details = endDetails({
            name: tool.name,
            args: toolArgs.get(m.toolCallId),
            result: { content: m.content, details: m.details },
            isError,
            snapshots: this.snapshotsOf(tool.name, m.toolCallId),
          });
          items[at as number] = { ...tool, output: textOf(m.content), status: isError ? "error" : "done", ...(details ? { details } : {}) };
        }
      }
    }
    this.state.items = items;
    this.state.index = new Map(items.map((item, i) => [item.id, i]));
    this.state.seq++;
    this.currentAssistant = undefined;
    this.runningTools.clear();
  }

  /** Replaces the items wholesale (a rebuilt history with what the host adds to it); the caller sends a snapshot. */
  replaceItems(items: ChatItem[]): void {
    this.state.items = items;
    this.state.index = new Map(items.map((item, i) => [item.id, i]));
    this.state.seq++;
  }

  handleEvent(event: PiEvent): void {
    switch (event.type) {
      case "agent_start":
        this.apply({ op: "status", status: "working" });
        return;
      case "agent_settled":
        this.finishAssistant();
        this.apply({ op: "status", status: "ready" });
        return;
      case "message_start":
        this.onMessageStart(event.message as HistoryMessage);
        return;
      case "message_update": {
        const e = event.assistantMessageEvent;
        if (!this.currentAssistant) return;
        if (e.type === "text_delta" || e.type === "thinking_delta") {
          const blockType = e.type === "text_delta" ? "text" : "thinking";
          this.blockTypes.set(e.contentIndex, blockType);
          this.apply({ op: "append", itemId: this.currentAssistant, block: this.blockIndex(e.contentIndex), blockType, delta: e.delta });
        }
        return;
      }
      case "message_end":
        if ((event.message as HistoryMessage).role === "assistant") this.onAssistantEnd(event.message as HistoryMessage);
        return;
      case "tool_execution_start": {
        this.runningTools.set(event.toolCallId, { args: event.args, startedAt: performance.now() });
        const details = startDetails(event.toolName, event.args);
        this.apply({
          op: "add",
          item: { kind: "tool", id: event.toolCallId, name: event.toolName, args: prettyArgs(event.args), status: "running", output: "", ...(details ? { details } : {}) },
        });
        return;
      }
      case "tool_execution_update":
        this.setToolOutput(event.toolCallId, toolResultText(event.partialResult));
        return;
      case "tool_execution_end":
        this.setToolOutput(event.toolCallId, toolResultText(event.result));
        this.finishTool(event.toolCallId, event.toolName, event.result, event.isError);
        return;
      case "compaction_start":
        this.notice("info", `Compacting the conversation (${event.reason})…`);
        return;
      case "compaction_end":
        this.notice(event.errorMessage ? "warning" : "info", event.errorMessage ? `Compaction failed: ${event.errorMessage}` : event.aborted ? "Compaction stopped." : "Conversation compacted.");
        return;
      case "auto_retry_start":
        this.notice("warning", `The model failed (${event.errorMessage}); retry ${event.attempt}/${event.maxAttempts}`, undefined, Date.now() + event.delayMs);
        return;
      case "auto_retry_end":
        if (!event.success) this.notice("error", `Retries exhausted: ${event.finalError ?? "unknown error"}`);
        return;
      default:
        if ((event as { type: string }).type === "extension_error") {
          const e = event as { type: string; error?: unknown; extensionPath?: unknown };
          this.notice("error", `A pi extension failed: ${String(e.error ?? "unknown error")}`, typeof e.extensionPath === "string" ? e.extensionPath : undefined);
        }
    }
  }

  private nextId(prefix: string): string {
    this.counter++;
    // join makes one flat string; a template literal makes a rope of three (~90 bytes, not ~40),
    // and a long chat keeps an id per message.
    return [prefix, this.counter, "-", Date.now().toString(36)].join("");
  }

  /** pi's content index counts tool-call parts too; our blocks hold only text and thinking. */
  private blockIndex(contentIndex: number): number {
    let index = 0;
    for (const [i] of [...this.blockTypes].sort((a, b) => a[0] - b[0])) {
      if (i === contentIndex) return index;
      index++;
    }
    return index;
  }

  private onMessageStart(message: HistoryMessage): void {
    if (message.role === "user") {
      this.apply({
        op: "add",
        item: { kind: "user", id: this.nextId("u"), text: textOf(message.content), imageCount: imageCountOf(message.content) || undefined },
      });
    } else if (message.role === "assistant") {
      this.finishAssistant();
      // message_start repeats the first delta: start empty and let the deltas build the text.
      const id = this.nextId("a");
      this.currentAssistant = id;
      this.blockTypes = new Map();
      this.apply({ op: "add", item: { kind: "assistant", id, blocks: [], streaming: true } });
    }
    // "system" (the prompt) and "toolResult" (shown by tool cards) stay hidden.
  }

  private onAssistantEnd(message: HistoryMessage): void {
    const id = this.currentAssistant;
    if (!id) return;
    const at = this.state.index.get(id);
    const item = at === undefined ? undefined : this.state.items[at];
    const finalBlocks = shownBlocks(assistantBlocksOf(message.content));
    // Deltas normally rebuild the message exactly; resend it only if they did not.
    if (item && item.kind === "assistant" && !sameBlocks(item.blocks, finalBlocks)) {
      this.apply({ op: "replace", item: { ...item, blocks: finalBlocks } });
    }
    this.apply({ op: "finish", itemId: id, errorMessage: assistantError(message) });
    this.currentAssistant = undefined;
  }

  private finishAssistant(): void {
    if (this.currentAssistant) this.apply({ op: "finish", itemId: this.currentAssistant });
    this.currentAssistant = undefined;
  }

  /** The tool's final status and, in the same patch, its complete details (a diff is sent only here). */
  private finishTool(toolCallId: string, name: string, result: unknown, isError: boolean): void {
    const started = this.runningTools.get(toolCallId);
    this.runningTools.delete(toolCallId);
    const details = endDetails({
      name,
      args: started?.args,
      result,
      isError,
      durationMs: started && name === "bash" ? Math.round(performance.now() - started.startedAt) : undefined,
      snapshots: this.snapshotsOf(name, toolCallId),
    });
    this.apply({ op: "finish", itemId: toolCallId, toolStatus: isError ? "error" : "done", ...(details ? { details } : {}) });
  }

  /** Only write and edit leave snapshots; nothing is read for other tools. */
  private snapshotsOf(name: string, toolCallId: string) {
    return name === "write" || name === "edit" ? this.snapshots?.pair(toolCallId) : undefined;
  }

  private setToolOutput(toolCallId: string, full: string): void {
    const at = this.state.index.get(toolCallId);
    const item = at === undefined ? undefined : this.state.items[at];
    if (item?.kind !== "tool" || item.output === full) return;
    // pi's partial results are cumulative: send only what is new when it extends the old.
    if (full.startsWith(item.output)) this.apply({ op: "toolOutput", itemId: toolCallId, delta: full.slice(item.output.length) });
    else this.apply({ op: "toolOutput", itemId: toolCallId, delta: full, reset: true });
  }
}
