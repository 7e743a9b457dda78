// The bridge's backend in VS Code: vscode.lm.selectChatModels and LanguageModelChat.sendRequest.
// A request is cancelled through its CancellationToken when pi aborts, and fails with
// "NotFound" as soon as VS Code reports its model gone (a provider that disappears mid-answer
// would otherwise leave the stream open forever).
import * as vscode from "vscode";
import { lmError, type LmBridgeError } from "../../host/lmBridge/errors";
import { bridgeModelId, type LmBackend, type LmModelInfo, type LmRequest, type LmResponsePart } from "../../host/lmBridge/types";
import { fromVscodeError, fromVscodePart, modelInfo, toVscodeMessages } from "./vscodeParts";
import type { Logger } from "../../host/piProcess";
import type { LmApi, LmChatModel } from "./vscodeLm";

export const JUSTIFICATION = "Pi answers in its chat with this model and uses it to call pi's tools (read, edit and write files, run commands).";

type Entry = { chat: LmChatModel; info: LmModelInfo };

function tokenFrom(signal: AbortSignal): vscode.CancellationTokenSource {
  const source = new vscode.CancellationTokenSource();
  if (signal.aborted) source.cancel();
  else signal.addEventListener("abort", () => source.cancel(), { once: true });
  return source;
}

export class VscodeLmBackend implements LmBackend {
  private cache: Promise<Map<string, Entry>> | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly api: LmApi,
    private readonly log: Logger = () => undefined,
  ) {
    this.subscription = api.onDidChangeChatModels(() => (this.cache = undefined));
  }

  private entries(): Promise<Map<string, Entry>> {
    const load = async () => {
      const chats = await this.api.selectChatModels();
      return new Map(chats.map((chat) => [bridgeModelId(chat), { chat, info: modelInfo(this.api, chat) }]));
    };
    const current = this.cache ?? load();
    this.cache = current;
    // A failed lookup is not remembered: the next request asks VS Code again.
    current.catch(() => {
      if (this.cache === current) this.cache = undefined;
    });
    return current;
  }

  async models(): Promise<LmModelInfo[]> {
    return [...(await this.entries()).values()].map((e) => e.info);
  }

  private async chat(model: LmModelInfo): Promise<LmChatModel> {
    const entry = (await this.entries()).get(bridgeModelId(model));
    if (!entry) throw lmError("NotFound", model.name);
    return entry.chat;
  }

  async send(model: LmModelInfo, request: LmRequest, signal: AbortSignal): Promise<AsyncIterable<LmResponsePart>> {
    const chat = await this.chat(model);
    const cancel = tokenFrom(signal);
    const goneError = () => lmError("NotFound", model.name, "the model disappeared while it was answering");
    // Rejects when VS Code no longer lists the model while the request runs (checked again a
    // moment later: the change event can come before the list is updated).
    let onGone: (err: LmBridgeError) => void = () => undefined;
    const gone = new Promise<never>((_, reject) => (onGone = reject));
    gone.catch(() => undefined);
    const watch = this.api.onDidChangeChatModels(() => {
      const check = () => void this.listed(chat).then((yes) => yes || onGone(goneError()));
      check();
      setTimeout(check, 1_000).unref();
    });
    const done = () => {
      watch.dispose();
      cancel.cancel();
      cancel.dispose();
    };
    let response: { stream: AsyncIterable<unknown> };
    try {
      const tools = request.tools.map((t) => ({ name: t.name, description: t.description, ...(t.inputSchema ? { inputSchema: t.inputSchema } : {}) }));
      const options = {
        justification: JUSTIFICATION,
        ...(tools.length ? { tools, toolMode: request.toolMode === "required" ? this.api.toolModes.Required : this.api.toolModes.Auto } : {}),
      };
      response = await Promise.race([chat.sendRequest(toVscodeMessages(this.api, request.messages), options, cancel.token), gone]);
    } catch (err) {
      done();
      throw await this.explain(err, chat, model, goneError);
    }
    const api = this.api;
    const explain = (err: unknown) => this.explain(err, chat, model, goneError);
    const listed = () => this.listed(chat);
    async function* parts(): AsyncGenerator<LmResponsePart> {
      const iterator = response.stream[Symbol.asyncIterator]();
      try {
        for (;;) {
          const next = await Promise.race([iterator.next(), gone]);
          if (next.done) {
            // A provider that goes away can end its stream quietly: that is no complete answer.
            if (!signal.aborted && !(await listed())) throw goneError();
            return;
          }
          const part = fromVscodePart(api, next.value);
          if (part) yield part;
        }
      } catch (err) {
        if (signal.aborted) return;
        throw await explain(err);
      } finally {
        done();
        void Promise.resolve(iterator.return?.()).catch(() => undefined);
      }
    }
    return parts();
  }

  /** Whether VS Code still offers the model (false when asking fails or takes too long). */
  private async listed(chat: LmChatModel): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), 2_000)));
    const found = Promise.resolve(this.api.selectChatModels({ vendor: chat.vendor, id: chat.id })).then((left) => left.length > 0, () => true);
    return Promise.race([found, timeout]).finally(() => clearTimeout(timer));
  }

  /**
   * VS Code reports a model that went away in several ways (NotFound, "Model not found", a
   * provider's own error) and updates its list a moment later: ask it, twice.
   */
  private async explain(err: unknown, chat: LmChatModel, model: LmModelInfo, goneError: () => LmBridgeError): Promise<LmBridgeError> {
    const error = fromVscodeError(err, model);
    this.log("warn", `VS Code model ${bridgeModelId(model)}: ${err instanceof Error ? err.message : String(err)}`);
    if (error.code === "NotFound" || error.code === "NoPermissions" || error.code === "Blocked") return error;
    for (const wait of [0, 300]) {
      await new Promise((r) => setTimeout(r, wait));
      if (!(await this.listed(chat))) return goneError();
    }
    return error;
  }

  async countTokens(model: LmModelInfo, text: string, signal: AbortSignal): Promise<number> {
    const chat = await this.chat(model);
    const cancel = tokenFrom(signal);
    try {
      return await chat.countTokens(text, cancel.token);
    } finally {
      cancel.dispose();
    }
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
