// The chat's pi session file and the operations on it: list the folder's pi sessions, resume
// one, fork at an earlier message, export. pi's switch_session and fork emit no events, so
// after each the chat re-reads pi's state and history and resyncs every view.
import type { ChatItem } from "../../protocol/transcript";
import type { ForkPoint } from "../../protocol/types";
import { agentDirFrom, listPiSessions, type PiSession } from "../piSessionFiles";
import type { PiProcess } from "../piProcess";
import type { ChatCore } from "./chatCore";
import type { ChatInfoTracker } from "./chatInfo";

export class PiSessionHistory {
  /** pi's session file of this chat (known once pi started, or given to resume). */
  file: string | undefined;
  /** pi's session id (get_state), known once pi started: checkpoints belong to it. */
  sessionId: string | undefined;
  /** Called after the pi session changed (slash commands may differ per project session). */
  onChange: () => void = () => undefined;
  /** Told about a fork or resume before the history is shown again (checkpoints follow a fork). */
  onSessionChange?: (kind: "fork" | "resume", previousSessionId: string | undefined) => Promise<void>;
  /** Prepares what a rebuilt history gets beyond pi's messages (entry ids, changes cards). */
  decorate?: (proc: PiProcess) => Promise<((items: ChatItem[]) => ChatItem[]) | undefined>;

  constructor(
    private readonly core: ChatCore,
    private readonly info: ChatInfoTracker,
    private readonly cwd: string,
    private readonly env: NodeJS.ProcessEnv,
    initialFile: string | undefined,
  ) {
    this.file = initialFile;
  }

  /** This folder's pi sessions (from the session files in this chat's agent dir). */
  list(): PiSession[] {
    return listPiSessions(agentDirFrom(this.env), this.cwd);
  }

  /** Switches this chat to another of the folder's pi session files, then shows its transcript. */
  async resume(file: string): Promise<void> {
    // Only files from this folder's own list: a view cannot make pi open an arbitrary path.
    if (!this.list().some((p) => p.file === file)) throw new Error("That file is not a pi session of this folder.");
    await this.switchTo(file);
  }

  /** Switches pi to `file` (checked by the caller, or the chat's own restored record) and shows it. */
  async switchTo(file: string): Promise<void> {
    const data = await this.core.requireProcess().rpc.send({ type: "switch_session", sessionPath: file });
    if (data.cancelled) throw new Error("pi did not switch sessions (an extension cancelled it).");
    await this.afterChange("resume");
  }

  /** Earlier user messages a fork can start from. */
  async forkPoints(): Promise<ForkPoint[]> {
    return (await this.core.requireProcess().rpc.send({ type: "get_fork_messages" })).messages;
  }

  /** Forks at an earlier user message: a new session file with history up to it. Returns that message's text. */
  async fork(entryId: string): Promise<string> {
    const data = await this.core.requireProcess().rpc.send({ type: "fork", entryId });
    if (data.cancelled) throw new Error("pi did not fork (an extension cancelled it).");
    await this.afterChange("fork");
    return data.text;
  }

  /** Writes the chat as HTML; returns the file's path. */
  async exportHtml(outputPath?: string): Promise<string> {
    return (await this.core.requireProcess().rpc.send({ type: "export_html", outputPath })).path;
  }

  /** Rebuilds the transcript from pi's messages and replaces every view's state. */
  async reload(proc: PiProcess): Promise<void> {
    const data = await proc.rpc.send({ type: "get_messages" });
    const decorate = await this.decorate?.(proc).catch(() => undefined);
    this.core.batcher.discard();
    this.core.builder.loadHistory(data.messages);
    if (decorate) this.core.builder.replaceItems(decorate(this.core.builder.state.items));
    this.core.resync();
  }

  private async afterChange(kind: "fork" | "resume"): Promise<void> {
    const proc = this.core.requireProcess();
    this.onChange();
    const state = await proc.rpc.send({ type: "get_state" });
    const previous = this.sessionId;
    this.file = state.sessionFile;
    this.sessionId = state.sessionId;
    await this.onSessionChange?.(kind, previous).catch(() => undefined);
    this.info.readState(state, true);
    await this.reload(proc);
    await this.info.refresh();
  }
}
