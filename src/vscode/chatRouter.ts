// Routes every webview request to the handler of its action, for the view that sent it. The
// registrations come from the action table: one vscode-messenger request per action, checked
// against its schema. Nothing a webview sends can throw inside the extension host: every
// failure is an answer `{ok: false, error}`.
import { Messenger } from "vscode-messenger";
import { isWebviewIdMessageParticipant, type MessageParticipant } from "vscode-messenger-common";
import type { ActionContext, ActionHandlers } from "../host/chatActions";
import { runAction } from "../host/chatActions";
import type { Logger } from "../host/piProcess";
import { ActionError, toActionError } from "../protocol/actionError";
import { ACTION_NAMES, ACTIONS, type ActionName, type MessengerReply, messengerMethod, type VscodeActionName } from "../protocol/actions";
import type { ChatBridge } from "./chatBridge";

/** vscode-messenger logs unknown methods and bad messages through `log`: route it to ours. */
class LoggingMessenger extends Messenger {
  constructor(private readonly logger: Logger) {
    super({ ignoreHiddenViews: false });
  }
  protected override log(text: string, level: "debug" | "warn" | "error" = "debug"): void {
    this.logger(level === "debug" ? "debug" : level, `webview messenger: ${text}`);
  }
}

/** What a VS Code handler gets: the shared context plus the view's bridge. */
export interface ViewContext extends ActionContext {
  readonly bridge: ChatBridge;
}

export interface ChatRouterDeps {
  log: Logger;
  handlers: ActionHandlers<VscodeActionName, ViewContext>;
  /** Where a view without a chat would work (`@` before the first message): the sole folder. */
  defaultFolder: () => string | undefined;
}

export class ChatRouter {
  readonly messenger: Messenger;
  private readonly bridges = new Map<string, ChatBridge>();
  private readonly viewListeners = new Set<() => void>();
  private readonly unwatch = new Map<ChatBridge, () => void>();

  constructor(private readonly deps: ChatRouterDeps) {
    this.messenger = new LoggingMessenger(deps.log);
    for (const name of ACTION_NAMES) {
      if ((ACTIONS[name] as { vscode?: false }).vscode === false) continue;
      this.register(name as VscodeActionName);
    }
  }

  add(bridge: ChatBridge): void {
    this.bridges.set(bridge.participant.webviewId, bridge);
    this.unwatch.set(bridge, bridge.onDidChange(() => this.viewsChanged()));
    this.viewsChanged();
  }

  remove(bridge: ChatBridge): void {
    this.bridges.delete(bridge.participant.webviewId);
    this.unwatch.get(bridge)?.();
    this.unwatch.delete(bridge);
    this.viewsChanged();
  }

  /** A view opened, closed, was shown or hidden. */
  onDidChangeViews(listener: () => void): () => void {
    this.viewListeners.add(listener);
    return () => this.viewListeners.delete(listener);
  }

  private viewsChanged(): void {
    this.viewListeners.forEach((l) => l());
  }

  /** Every view (sidebar and tabs) and the chat it shows. */
  views(): ChatBridge[] {
    return [...this.bridges.values()];
  }

  private register(name: VscodeActionName): void {
    this.messenger.onRequest({ method: messengerMethod(name) }, async (raw: unknown, sender: MessageParticipant): Promise<MessengerReply<unknown>> => {
      try {
        const result = await runAction(this.deps.handlers, name, raw, this.contextFor(sender, name));
        return { ok: true, result };
      } catch (err) {
        const error = toActionError(err);
        this.deps.log("warn", `${name} from a webview failed (${error.code}): ${error.message}`);
        return { ok: false, error: { code: error.code, message: error.message } };
      }
    });
  }

  private contextFor(sender: MessageParticipant, name: ActionName): ViewContext {
    const bridge = isWebviewIdMessageParticipant(sender) ? this.bridges.get(sender.webviewId) : undefined;
    if (!bridge) throw new ActionError("forbidden", `${name}: message from an unknown view`);
    return {
      bridge,
      chat: () => {
        if (!bridge.current) throw new ActionError("not_found", `${name}: no chat in this view yet.`);
        return bridge.current;
      },
      ensureChat: () => bridge.ensureChat(),
      folder: () => bridge.current?.cwd ?? this.deps.defaultFolder(),
    };
  }
}
