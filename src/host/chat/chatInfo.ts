// The chat's header facts — title, model, thinking level, usage, queue, pi extension widgets —
// and the actions that change them. Kept in step with pi through get_state/get_session_stats
// and the few events that carry them.
import * as path from "node:path";
import type { PiEvent, PiResponseData, RpcExtensionUIRequest, RpcSessionState } from "../../pi/rpcTypes";
import type { ChatInfo, ChatUsage } from "../../protocol/transcript";
import type { ModelChoice } from "../../protocol/types";
import { ExtensionView } from "../extensionView";
import type { Logger } from "../piProcess";
import type { ChatCore } from "./chatCore";

export class ChatInfoTracker {
  private model: string | undefined;
  private thinkingLevel: string | undefined;
  private usage: ChatUsage | undefined;
  private queue: ChatInfo["queue"];
  private title: string;
  private readonly extensionView = new ExtensionView();
  private readonly viewers = { vscode: 0, browser: 0 };

  constructor(
    private readonly core: ChatCore,
    private readonly cwd: string,
    private readonly log: Logger,
  ) {
    this.title = path.basename(cwd);
  }

  get info(): ChatInfo {
    return {
      chatId: this.core.chatId,
      cwd: this.cwd,
      title: this.title,
      model: this.model,
      thinkingLevel: this.thinkingLevel,
      usage: this.usage,
      queue: this.queue,
      widgets: this.extensionView.widgets,
      viewers: { ...this.viewers },
    };
  }

  /** pi's state after a start or a pi-session change; `fresh`: a new pi session (its own title or none). */
  readState(state: RpcSessionState, fresh = false): void {
    this.model = state.model ? `${state.model.provider}/${state.model.id}` : undefined;
    this.thinkingLevel = state.thinkingLevel;
    if (state.sessionName) this.title = state.sessionName;
    else if (fresh) this.title = path.basename(this.cwd);
  }

  /** Re-reads model, thinking level and usage from pi and sends them to the views. */
  async refresh(): Promise<void> {
    const proc = this.core.process;
    if (!proc || proc.rpc.isClosed) return;
    try {
      const [state, stats] = await Promise.all([proc.rpc.send({ type: "get_state" }), proc.rpc.send({ type: "get_session_stats" })]);
      this.readState(state);
      this.usage = {
        inputTokens: stats.tokens.input,
        outputTokens: stats.tokens.output,
        totalTokens: stats.tokens.total,
        cost: stats.cost,
        contextPercent: stats.contextUsage?.percent ?? undefined,
        contextWindow: stats.contextUsage?.contextWindow,
      };
      this.core.infoChanged();
    } catch (err) {
      this.log("debug", `could not refresh chat info: ${String(err)}`);
    }
  }

  /** The events that carry header facts. */
  onEvent(event: PiEvent): void {
    if (event.type === "agent_settled") void this.refresh();
    else if (event.type === "queue_update") {
      this.queue = { steering: [...event.steering], followUp: [...event.followUp] };
      this.core.infoChanged();
    } else if (event.type === "thinking_level_changed") {
      this.thinkingLevel = event.level;
      this.core.infoChanged();
    }
  }

  /** A pi extension's setTitle/setWidget; false when the request is something else. */
  applyExtensionView(request: RpcExtensionUIRequest): boolean {
    if (!this.extensionView.apply(request)) return false;
    if (request.method === "setTitle" && this.extensionView.title) this.title = this.extensionView.title;
    this.core.infoChanged();
    return true;
  }

  /** How many views of a kind show this chat now (each view shows the others). */
  setViewers(kind: "vscode" | "browser", count: number): void {
    if (this.viewers[kind] === count) return;
    this.viewers[kind] = count;
    this.core.infoChanged();
  }

  /** One more view of `kind`; the returned function counts it out again. */
  attachViewer(kind: "vscode" | "browser"): () => void {
    this.setViewers(kind, this.viewers[kind] + 1);
    let attached = true;
    return () => {
      if (!attached) return;
      attached = false;
      this.setViewers(kind, this.viewers[kind] - 1);
    };
  }

  /** Models pi can use (from its model registry and the user's models.json). */
  async models(): Promise<ModelChoice[]> {
    const data = await this.core.requireProcess().rpc.send({ type: "get_available_models" });
    return data.models.map((m) => ({ provider: m.provider, id: m.id, name: m.name ?? m.id, reasoning: !!m.reasoning }));
  }

  async setModel(provider: string, modelId: string): Promise<void> {
    const known = await this.models();
    if (!known.some((m) => m.provider === provider && m.id === modelId)) throw new Error(`Unknown model ${provider}/${modelId}.`);
    await this.core.requireProcess().rpc.send({ type: "set_model", provider, modelId });
    await this.refresh();
  }

  /** Only the levels the current model supports. */
  async thinkingLevels(): Promise<PiResponseData<"get_available_thinking_levels">["levels"]> {
    return (await this.core.requireProcess().rpc.send({ type: "get_available_thinking_levels" })).levels;
  }

  /** pi accepts any string here without complaint, so we validate against its own list. */
  async setThinkingLevel(level: string): Promise<void> {
    const levels = await this.thinkingLevels();
    const match = levels.find((l) => l === level);
    if (!match) throw new Error(`The model does not support thinking level "${level}" (available: ${levels.join(", ")}).`);
    await this.core.requireProcess().rpc.send({ type: "set_thinking_level", level: match });
    await this.refresh();
  }

  async rename(name: string): Promise<void> {
    const trimmed = name.trim().slice(0, 200);
    if (!trimmed) throw new Error("The name is empty.");
    await this.core.requireProcess().rpc.send({ type: "set_session_name", name: trimmed });
    this.title = trimmed;
    this.core.infoChanged();
  }
}
