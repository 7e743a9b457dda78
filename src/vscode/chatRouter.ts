// Routes every webview message to the bridge of the view that sent it, after validation.
// Malformed or unknown messages are rejected and logged; nothing a webview sends can throw
// inside the extension host.
import { Messenger } from "vscode-messenger";
import { isWebviewIdMessageParticipant, type MessageParticipant } from "vscode-messenger-common";
import type { Logger } from "../host/piProcess";
import {
  AbortNotification,
  ConnectRequest,
  DialogAnswerRequest,
  NewSessionNotification,
  PromptRequest,
  RestartNotification,
} from "../protocol/messages";
import { parseConnectParams, parseDialogAnswer, parseEmptyParams, parsePromptParams, ProtocolError } from "../protocol/validate";
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

export class ChatRouter {
  readonly messenger: Messenger;
  private readonly bridges = new Map<string, ChatBridge>();

  constructor(private readonly log: Logger) {
    this.messenger = new LoggingMessenger(log);
    const m = this.messenger;
    m.onRequest(ConnectRequest, (params, sender) => {
      try {
        const bridge = this.bridgeFor(sender, "connect");
        parseConnectParams(params);
        return bridge.snapshot();
      } catch (err) {
        this.reject(err);
        throw err;
      }
    });
    m.onRequest(PromptRequest, async (params, sender) => {
      let bridge: ChatBridge;
      let text: string;
      try {
        bridge = this.bridgeFor(sender, "prompt");
        text = parsePromptParams(params).text;
      } catch (err) {
        this.reject(err);
        return { accepted: false, error: (err as Error).message };
      }
      try {
        const session = await bridge.ensureSession();
        await session.prompt(text);
        return { accepted: true };
      } catch (err) {
        return { accepted: false, error: err instanceof Error ? err.message : String(err) };
      }
    });
    m.onRequest(DialogAnswerRequest, (params, sender) => {
      try {
        const bridge = this.bridgeFor(sender, "dialogAnswer");
        const answer = parseDialogAnswer(params);
        const accepted = bridge.current?.answerDialog(answer) ?? false;
        return accepted ? { accepted } : { accepted, error: "That question is no longer open." };
      } catch (err) {
        this.reject(err);
        return { accepted: false, error: err instanceof Error ? err.message : String(err) };
      }
    });
    this.onNotification(AbortNotification, "abort", (bridge) => bridge.current?.abort());
    this.onNotification(NewSessionNotification, "newSession", async (bridge) => bridge.attach(await bridge.source.createNew()));
    this.onNotification(RestartNotification, "restart", (bridge) => bridge.current?.restart());
  }

  add(bridge: ChatBridge): void {
    this.bridges.set(bridge.participant.webviewId, bridge);
  }

  remove(bridge: ChatBridge): void {
    this.bridges.delete(bridge.participant.webviewId);
  }

  private onNotification(
    type: { method: string },
    what: string,
    act: (bridge: ChatBridge) => Promise<unknown> | unknown,
  ): void {
    this.messenger.onNotification(type, async (params: unknown, sender: MessageParticipant) => {
      try {
        parseEmptyParams(params, what);
        await act(this.bridgeFor(sender, what));
      } catch (err) {
        this.reject(err);
      }
    });
  }

  private bridgeFor(sender: MessageParticipant, what: string): ChatBridge {
    const bridge = isWebviewIdMessageParticipant(sender) ? this.bridges.get(sender.webviewId) : undefined;
    if (!bridge) throw new ProtocolError(`${what}: message from an unknown view`);
    return bridge;
  }

  private reject(err: unknown): void {
    if (err instanceof ProtocolError) this.log("warn", `rejected a webview message: ${err.message}`);
    else this.log("error", `webview message failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
