// The part of VS Code's Language Model API the bridge uses, declared here and found at run
// time. The extension keeps `engines.vscode` ^1.85 (and @types/vscode 1.85): vscode.lm exists
// from 1.90, image data parts from 1.106, thinking parts only as a proposal. On a VS Code
// without them the bridge says so and stays off instead of the whole extension refusing to
// install (forks such as Cursor or Windsurf lag behind VS Code's version).
import * as vscode from "vscode";

export interface LmChatModel {
  readonly id: string;
  readonly vendor: string;
  readonly family: string;
  readonly name: string;
  readonly version: string;
  readonly maxInputTokens: number;
  /** Present at run time in recent VS Code (not in the stable typings); read defensively. */
  readonly maxOutputTokens?: unknown;
  readonly capabilities?: unknown;
  sendRequest(messages: unknown[], options: LmRequestOptions, token: vscode.CancellationToken): Thenable<{ stream: AsyncIterable<unknown> }>;
  countTokens(text: string, token?: vscode.CancellationToken): Thenable<number>;
}

export interface LmRequestOptions {
  justification?: string;
  tools?: Array<{ name: string; description: string; inputSchema?: object }>;
  toolMode?: number;
}

type Ctor<Args extends unknown[]> = new (...args: Args) => object;

export interface LmApi {
  selectChatModels(selector?: { vendor?: string; id?: string }): Thenable<LmChatModel[]>;
  onDidChangeChatModels: vscode.Event<void>;
  ChatMessage: Ctor<[role: number, content: unknown[]]>;
  roles: { User: number; Assistant: number };
  toolModes: { Auto: number; Required: number };
  TextPart: Ctor<[value: string]>;
  ToolCallPart: Ctor<[callId: string, name: string, input: object]>;
  ToolResultPart: Ctor<[callId: string, content: unknown[]]>;
  /** VS Code 1.106+. */
  DataPart?: Ctor<[data: Uint8Array, mimeType: string]>;
  /** A proposal (chat thinking); present in recent VS Code builds. */
  ThinkingPart?: Ctor<[value: string | string[]]>;
  LanguageModelError?: Ctor<[message?: string]>;
}

type Bag = Record<string, unknown>;

const isCtor = <Args extends unknown[]>(value: unknown): value is Ctor<Args> => typeof value === "function";
const isBag = (value: unknown): value is Bag => typeof value === "object" && value !== null;

/** The Language Model API of this VS Code, or undefined when it has none. */
export function findLmApi(module: unknown = vscode): LmApi | undefined {
  if (!isBag(module)) return undefined;
  const lm = module.lm;
  const roles = module.LanguageModelChatMessageRole;
  const modes = module.LanguageModelChatToolMode;
  const { LanguageModelChatMessage, LanguageModelTextPart, LanguageModelToolCallPart, LanguageModelToolResultPart } = module;
  if (!isBag(lm) || typeof lm.selectChatModels !== "function" || typeof lm.onDidChangeChatModels !== "function") return undefined;
  if (!isBag(roles) || typeof roles.User !== "number" || typeof roles.Assistant !== "number") return undefined;
  if (!isBag(modes) || typeof modes.Auto !== "number" || typeof modes.Required !== "number") return undefined;
  if (!isCtor(LanguageModelChatMessage) || !isCtor(LanguageModelTextPart) || !isCtor(LanguageModelToolCallPart) || !isCtor(LanguageModelToolResultPart)) return undefined;
  const lmNamespace = lm as unknown as Pick<LmApi, "selectChatModels" | "onDidChangeChatModels">;
  return {
    selectChatModels: (selector) => lmNamespace.selectChatModels(selector),
    onDidChangeChatModels: lmNamespace.onDidChangeChatModels,
    ChatMessage: LanguageModelChatMessage as Ctor<[number, unknown[]]>,
    roles: { User: roles.User, Assistant: roles.Assistant },
    toolModes: { Auto: modes.Auto, Required: modes.Required },
    TextPart: LanguageModelTextPart as Ctor<[string]>,
    ToolCallPart: LanguageModelToolCallPart as Ctor<[string, string, object]>,
    ToolResultPart: LanguageModelToolResultPart as Ctor<[string, unknown[]]>,
    DataPart: isCtor<[Uint8Array, string]>(module.LanguageModelDataPart) ? module.LanguageModelDataPart : undefined,
    ThinkingPart: isCtor<[string | string[]]>(module.LanguageModelThinkingPart) ? module.LanguageModelThinkingPart : undefined,
    LanguageModelError: isCtor<[string?]>(module.LanguageModelError) ? module.LanguageModelError : undefined,
  };
}

/** Why there are no VS Code models here, for the log and the model picker. */
export const NO_LM_API =
  `This VS Code (${vscode.version}) has no Language Model API (it needs VS Code 1.90 or later): pi's own models and keys still work.`;
