// pi's dialogs (select/confirm/input/editor) as cards in the transcript. Whoever answers
// first — a view of the session, or the host's UI handler — wins; a timeout, abort or stop
// cancels the card (pi's abort would otherwise wait for open dialogs to time out).
import type { DialogAnswer } from "../protocol/types";
import type { DialogItem } from "../protocol/transcript";
import type { RpcExtensionUIRequest, RpcExtensionUIResponse } from "../pi/rpcTypes";
import { proposalOf } from "./review/proposals";
import type { TranscriptBuilder } from "./transcriptBuilder";

export class DialogCards {
  private readonly openCards = new Map<string, { timer: NodeJS.Timeout | undefined }>();

  constructor(
    private readonly builder: TranscriptBuilder,
    private readonly respond: (response: RpcExtensionUIResponse) => void,
  ) {}

  /** Adds a card for a dialog request; false when the request is not a dialog. */
  open(request: RpcExtensionUIRequest): boolean {
    if (request.method !== "select" && request.method !== "confirm" && request.method !== "input" && request.method !== "editor") return false;
    const item: DialogItem = {
      kind: "dialog",
      id: request.id,
      method: request.method,
      title: request.title,
      message: request.method === "confirm" ? request.message : undefined,
      options: request.method === "select" ? request.options : undefined,
      placeholder: request.method === "input" ? request.placeholder : undefined,
      prefill: request.method === "editor" ? request.prefill : undefined,
      state: "open",
    };
    // The guard's edit proposal: views show its diff and the four answers as a proposal.
    const proposal = proposalOf(item);
    if (proposal) item.proposal = { display: proposal.display, verb: proposal.verb, canAcceptAll: proposal.canAcceptAll, ...(proposal.sensitive !== undefined ? { sensitive: proposal.sensitive } : {}) };
    const timeout = "timeout" in request && typeof request.timeout === "number" && request.timeout > 0 ? request.timeout : undefined;
    if (timeout) item.until = Date.now() + timeout;
    // pi gives up on its own after `timeout`; close the card then too.
    const timer = timeout ? setTimeout(() => this.close(request.id, "cancelled", "timed out"), timeout) : undefined;
    timer?.unref();
    // Open before the card is shown: whoever reacts to the card (a badge, a notification) finds it waiting.
    this.openCards.set(request.id, { timer });
    this.builder.apply({ op: "add", item });
    return true;
  }

  /** Answers an open card; false when it is not open or the answer does not fit it. */
  answer(answer: DialogAnswer): boolean {
    const item = this.item(answer.id);
    if (!this.openCards.has(answer.id) || !item) return false;
    if (answer.value !== undefined && item.method === "select" && !(item.options ?? []).includes(answer.value)) return false;
    if (answer.confirmed !== undefined && item.method !== "confirm") return false;
    const response: RpcExtensionUIResponse = answer.cancelled
      ? { type: "extension_ui_response", id: answer.id, cancelled: true }
      : answer.confirmed !== undefined
        ? { type: "extension_ui_response", id: answer.id, confirmed: answer.confirmed }
        : { type: "extension_ui_response", id: answer.id, value: answer.value ?? "" };
    this.respond(response);
    const shown = answer.cancelled ? undefined : answer.confirmed !== undefined ? (answer.confirmed ? "Yes" : "No") : answer.value;
    this.close(answer.id, answer.cancelled ? "cancelled" : "answered", shown);
    return true;
  }

  /** The questions waiting for an answer, oldest first. */
  waiting(): DialogItem[] {
    return [...this.openCards.keys()].flatMap((id) => this.item(id) ?? []);
  }

  cancelAll(): void {
    for (const id of [...this.openCards.keys()]) {
      this.respond({ type: "extension_ui_response", id, cancelled: true });
      this.close(id, "cancelled");
    }
  }

  private item(id: string): DialogItem | undefined {
    const at = this.builder.state.index.get(id);
    const item = at === undefined ? undefined : this.builder.state.items[at];
    return item && item.kind === "dialog" ? item : undefined;
  }

  private close(id: string, state: "answered" | "cancelled", answer?: string): void {
    const open = this.openCards.get(id);
    if (!open) return;
    if (open.timer) clearTimeout(open.timer);
    this.openCards.delete(id);
    const item = this.item(id);
    if (item) this.builder.apply({ op: "replace", item: { ...item, state, answer } });
  }
}

/** A UI handler's answer (e.g. a native VS Code dialog) in the shape a card is answered with. */
export function responseToAnswer(response: RpcExtensionUIResponse): DialogAnswer {
  if ("cancelled" in response) return { id: response.id, cancelled: true };
  if ("confirmed" in response) return { id: response.id, confirmed: response.confirmed };
  return { id: response.id, value: response.value };
}
