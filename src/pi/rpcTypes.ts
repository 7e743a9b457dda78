// pi's own RPC types (imported, not re-declared) plus the union of what arrives on stdout.
import type {
  JsonAgentSessionEvent,
  RpcCommand,
  RpcExtensionUIRequest,
  RpcExtensionUIResponse,
  RpcResponse,
  RpcSessionState,
} from "@earendil-works/pi-coding-agent";

export type { JsonAgentSessionEvent, RpcCommand, RpcExtensionUIRequest, RpcExtensionUIResponse, RpcResponse, RpcSessionState };

export type PiEvent = JsonAgentSessionEvent;
export type PiOutput = RpcResponse | RpcExtensionUIRequest | PiEvent;

/** A command without its id: the client assigns ids. */
export type PiCommand = RpcCommand extends infer C ? (C extends { id?: string } ? Omit<C, "id"> : never) : never;
export type PiCommandType = RpcCommand["type"];

/** What a successful response carries for a given command (`undefined` when it carries nothing). */
export type PiResponseData<T extends PiCommandType> =
  Extract<RpcResponse, { command: T; success: true }> extends infer R ? (R extends { data: infer D } ? D : undefined) : never;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Structural check of a parsed stdout line; anything else is logged and skipped. */
export function isPiOutput(value: unknown): value is PiOutput {
  return isObject(value) && typeof value.type === "string";
}

export function isResponse(value: PiOutput): value is RpcResponse {
  return value.type === "response";
}

export function isExtensionUiRequest(value: PiOutput): value is RpcExtensionUIRequest {
  return value.type === "extension_ui_request";
}
