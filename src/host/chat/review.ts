// The chat's checkpoints (issue 10): one before every message the user sends (prompt, steer,
// follow-up, `!command`) and one when pi settles or exits; then the turn's changes become a
// card in the transcript and the user items learn their pi entry ids (for "Rewind to here").
// Bookkeeping runs in order on one chain, never in the way of the chat: a failure is a notice,
// the message is sent anyway. Without git, write/edit snapshots of the guard are recorded.
import * as fs from "node:fs";
import type { PiEvent } from "../../pi/rpcTypes";
import { ActionError, errorText } from "../../protocol/actionError";
import type { ChangesItem, ChatItem } from "../../protocol/transcript";
import type { CheckpointStores } from "../checkpointStores";
import { type Checkpoint, type CheckpointStoreApi, type FileChange, SnapshotCheckpointStore, summarize } from "../checkpoints";
import type { Logger, PiProcess } from "../piProcess";
import type { ToolSnapshots } from "../toolSnapshots";
import type { AnswerBegan } from "./answerStart";
import type { ChatCore } from "./chatCore";
import type { PiSessionHistory } from "./piSessionHistory";
import { type BranchEntry, branchOf, changesItemId, decorateHistory, matchEntryIds, runsOf, userEntriesOf } from "./reviewHistory";

export interface ReviewDeps {
  core: ChatCore;
  history: PiSessionHistory;
  cwd: string;
  /** The chat's environment: its PATH decides whether git is used. */
  env: NodeJS.ProcessEnv;
  stores: CheckpointStores | undefined;
  snapshots: ToolSnapshots | undefined;
  log: Logger;
}

/** A finished run and what it changed. */
export interface TurnChanges {
  turnId: string;
  files: FileChange[];
}

/** Past runs whose cards a reloaded history rebuilds (each costs one diff). */
const CARDS_AFTER_RELOAD = 50;

export class ChatReview {
  /** The workspace folder's real path: review paths are relative to it. */
  readonly folder: string;
  private chain: Promise<void> = Promise.resolve();
  private turn: { start: string; sessionId: string } | undefined;
  private said = new Set<string>();
  private lastSkipped = "";
  private readonly toolArgs = new Map<string, { name: string; path: unknown }>();
  /** Run start → its card (undefined: it changed nothing); runs never change once closed. */
  private readonly cards = new Map<string, ChangesItem | undefined>();
  /** Per pi session, the last entry already bound: after a run pi is asked only for what follows it. */
  private readonly boundUpTo = new Map<string, string>();
  private readonly turnListeners = new Set<(turn: TurnChanges) => void>();

  constructor(
    private readonly deps: ReviewDeps,
    private readonly chatId: string,
  ) {
    this.folder = realFolder(deps.cwd);
  }

  /** The folder's store, opened on first use; undefined when checkpoints are off (said once in the chat). */
  async store(): Promise<CheckpointStoreApi | undefined> {
    if (!this.deps.stores) return undefined;
    try {
      const { store, notice } = await this.deps.stores.forFolder(this.deps.cwd, this.deps.env);
      if (notice) this.sayOnce("warning", `Checkpoints: ${notice}`);
      return store;
    } catch (err) {
      this.sayOnce("warning", `Checkpoints are off for this folder: ${errorText(err)} The chat works as before, without Rewind and review.`);
      return undefined;
    }
  }

  /** The store, or the reason there is none (for the review actions). */
  async requireStore(): Promise<CheckpointStoreApi> {
    const store = await this.store();
    if (!store) throw new ActionError("not_available", "Checkpoints are off for this chat's folder, so there is nothing to review or rewind.");
    return store;
  }

  /** Resolves when every checkpoint asked for so far is taken and its card is in the transcript. */
  idle(): Promise<void> {
    return this.chain;
  }

  /** A run finished and its changes are known (the VS Code face refreshes its CodeLenses). */
  onTurnEnd(listener: (turn: TurnChanges) => void): () => void {
    this.turnListeners.add(listener);
    return () => this.turnListeners.delete(listener);
  }

  /**
   * Before pi acts on a message: the folder as it is now, or once `notBefore` resolves (pi's
   * tools wait for it meanwhile). Resolves once taken (or given up on).
   */
  beforeMessage(label: string, notBefore?: Promise<AnswerBegan>): Promise<void> {
    const at = Date.now();
    const sent = performance.now();
    return this.serial(async () => {
      const why = await notBefore;
      const store = await this.store();
      const sessionId = this.deps.history.sessionId;
      if (!store || !sessionId) return;
      const started = performance.now();
      const cp = await store.checkpoint({ kind: "turn-start", sessionId, chatId: this.chatId, label: label.replace(/\s+/g, " ").trim().slice(0, 120), at });
      const after = why ? ` (started ${(started - sent).toFixed(0)} ms after the message, ${why === "waited" ? "pi had shown nothing yet" : "after the answer's first piece"})` : "";
      this.deps.log("debug", `checkpoint before a message: ${(performance.now() - started).toFixed(1)} ms${after}`);
      this.report(cp);
      this.turn ??= { start: cp.id, sessionId };
    });
  }

  /**
   * A spare chat is ready and nobody waits on it: the folder's store is opened and its capture
   * index filled now, so the checkpoint before its first message costs what any later one does.
   */
  warm(): Promise<void> {
    return this.serial(async () => {
      const store = await this.store();
      if (!store) return;
      const started = performance.now();
      try {
        await store.warm();
        this.deps.log("debug", `checkpoint store warmed: ${(performance.now() - started).toFixed(1)} ms`);
      } catch (err) {
        // Not the chat's business: the first message's checkpoint does the work, and reports.
        this.deps.log("debug", `checkpoint store not warmed: ${errorText(err)}`);
      }
    });
  }

  /** pi settled (or exited, or a `!command` ran while idle): close the run and show its changes. */
  endTurn(): Promise<void> {
    return this.serial(async () => {
      const turn = this.turn;
      if (!turn) return;
      this.turn = undefined;
      const store = await this.store();
      if (!store) return;
      const end = await store.checkpoint({ kind: "turn-end", sessionId: turn.sessionId, chatId: this.chatId });
      this.report(end);
      await this.bindEntries(store, turn.sessionId);
      if (end.notice) return; // a new store: the run's start is gone with the old one
      const files = await store.changes(turn.start, end.id);
      const card = files.length ? changesCard(turn.start, files) : undefined;
      this.cards.set(turn.start, card);
      if (card) this.deps.core.builder.apply({ op: "add", item: card });
      this.turnListeners.forEach((l) => l({ turnId: turn.start, files }));
    });
  }

  onEvent(event: PiEvent): void {
    if (event.type === "agent_settled") void this.endTurn();
    else if (event.type === "tool_execution_start" && (event.toolName === "write" || event.toolName === "edit")) {
      this.toolArgs.set(event.toolCallId, { name: event.toolName, path: (event.args as { path?: unknown } | undefined)?.path });
    } else if (event.type === "tool_execution_end") {
      const args = this.toolArgs.get(event.toolCallId);
      this.toolArgs.delete(event.toolCallId);
      if (args && typeof args.path === "string" && !event.isError) void this.recordToolChange(event.toolCallId, args.path);
    }
  }

  /** pi exited (stopped, crashed): a run it left open ends now, or later edits would count as pi's. */
  onExit(): void {
    if (this.turn) void this.endTurn();
  }

  /**
   * For a history reload: entry ids for the user items and the cards of past runs. Fetched
   * before the items are rebuilt; the returned function is applied to them.
   */
  async decorator(proc: PiProcess): Promise<((items: ChatItem[]) => ChatItem[]) | undefined> {
    const store = await this.store();
    const sessionId = this.deps.history.sessionId;
    if (!store || !sessionId) return undefined;
    const data = await proc.rpc.send({ type: "get_entries" });
    await store.bindEntries(sessionId, data.entries);
    this.boundUpTo.set(sessionId, data.entries.at(-1)?.id ?? "");
    const users = userEntriesOf(branchOf(data.entries as BranchEntry[], data.leafId));
    const checkpointOf = new Map<string, string>();
    for (const u of users) {
      const cp = store.bindingOf(sessionId, u.id);
      if (cp) checkpointOf.set(u.id, cp);
    }
    const runs = runsOf(store.timeline());
    const starts = [...new Set(checkpointOf.values())].filter((cp) => runs.has(cp));
    const cards = new Map<string, ChangesItem | undefined>();
    for (const [i, start] of starts.entries()) {
      const end = runs.get(start);
      if (!end || i < starts.length - CARDS_AFTER_RELOAD) cards.set(start, undefined);
      else cards.set(start, await this.cardOf(store, start, end));
    }
    return (items) => decorateHistory(items, users, checkpointOf, cards);
  }

  /** After a fork (the existing Fork action or a rewind): the new pi session keeps the parent's checkpoints. */
  async sessionChanged(kind: "fork" | "resume", previousSessionId: string | undefined): Promise<void> {
    const store = await this.store();
    const proc = this.deps.core.process;
    const child = this.deps.history.sessionId;
    if (kind !== "fork" || !store || !proc || !child || !previousSessionId || child === previousSessionId) return;
    const { entries } = await proc.rpc.send({ type: "get_entries" });
    await store.adoptFork(child, previousSessionId, entries.map((e) => e.id));
  }

  /** A notice in the chat, only the first time this chat has to say it. */
  sayOnce(level: "info" | "warning" | "error", text: string, detail?: string): void {
    if (this.said.has(text)) return;
    this.said.add(text);
    this.deps.core.builder.notice(level, text, detail);
  }

  private async cardOf(store: CheckpointStoreApi, start: string, end: string): Promise<ChangesItem | undefined> {
    if (this.cards.has(start)) return this.cards.get(start);
    try {
      const files = await store.changes(start, end);
      const card = files.length ? changesCard(start, files) : undefined;
      this.cards.set(start, card);
      return card;
    } catch {
      return undefined; // pruned or from a store that was reset: no card
    }
  }

  /**
   * pi's session entries after a run: bind the checkpoints, give the user items their ids. Only
   * the entries after the last one bound are fetched (a 10,000-message session is ~4.6 MB of
   * entries to parse after every run otherwise); the new part of the branch is all the user
   * items still without an id need, matched from the end. Unknown ground (no bind yet, or pi
   * no longer has that entry) takes the whole list.
   */
  private async bindEntries(store: CheckpointStoreApi, sessionId: string): Promise<void> {
    const proc = this.deps.core.process;
    if (!proc || proc.rpc.isClosed || this.deps.history.sessionId !== sessionId) return;
    const since = this.boundUpTo.get(sessionId) || undefined;
    const data = since ? await proc.rpc.send({ type: "get_entries", since }).catch(() => proc.rpc.send({ type: "get_entries" })) : await proc.rpc.send({ type: "get_entries" });
    await store.bindEntries(sessionId, data.entries);
    const last = data.entries.at(-1)?.id;
    if (last) this.boundUpTo.set(sessionId, last);
    const { builder } = this.deps.core;
    const ids = matchEntryIds(builder.state.items, userEntriesOf(branchOf(data.entries as BranchEntry[], data.leafId)));
    for (const item of builder.state.items) {
      const entryId = ids.get(item.id);
      if (item.kind === "user" && entryId && item.entryId !== entryId) builder.apply({ op: "replace", item: { ...item, entryId } });
    }
  }

  private async recordToolChange(toolCallId: string, toolPath: string): Promise<void> {
    const dir = this.deps.snapshots?.dir;
    if (!dir) return;
    await this.serial(async () => {
      const store = await this.store();
      if (store instanceof SnapshotCheckpointStore) await store.recordToolChange(dir, toolCallId, toolPath);
    });
  }

  /** What a checkpoint has to tell the user: a store started anew, files left out. */
  private report(cp: Checkpoint): void {
    if (cp.notice) this.deps.core.builder.notice("warning", cp.notice);
    const skipped = cp.skipped.map((s) => `${s.path} (${s.reason === "too-large" ? `${megabytes(s.bytes)} MB` : "unreadable"})`);
    const key = skipped.join("\n");
    if (key && key !== this.lastSkipped) {
      const shown = skipped.length > 8 ? [...skipped.slice(0, 8), `and ${skipped.length - 8} more`] : skipped;
      this.deps.core.builder.notice("info", `Not in the checkpoint (too large or unreadable), so Rewind leaves them as they are: ${shown.join(", ")}.`);
    }
    this.lastSkipped = key;
  }

  /** Runs `work` after everything asked before it; a failure becomes a notice, never a broken chain. */
  private serial(work: () => Promise<void>): Promise<void> {
    const next = this.chain.then(work).catch((err: unknown) => {
      this.deps.log("warn", `checkpoints: ${errorText(err)}`);
      this.sayOnce("warning", `A checkpoint could not be taken: ${errorText(err)} The chat goes on; Rewind may miss this turn.`);
    });
    this.chain = next;
    return next;
  }
}

export function changesCard(turnId: string, files: FileChange[]): ChangesItem {
  return { kind: "changes", id: changesItemId(turnId), turnId, files: files.map(({ path, status, additions, deletions, binary }) => ({ path, status, additions, deletions, binary })), summary: summarize(files).text };
}

function megabytes(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}

function realFolder(cwd: string): string {
  try {
    return fs.realpathSync(cwd);
  } catch {
    return cwd;
  }
}
