// Errors of the bridge, worded for the chat. pi shows a provider's error text as the failed
// answer and retries only when that text looks transient (pi-ai's isRetryableAssistantError:
// "429", "5xx", "rate limit", "timeout", … unless "quota exceeded" / "billing"). So each code
// gets a status and wording chosen on purpose: what will not heal by waiting (consent, quota,
// a missing model, no tool support, a bad request) never matches the retry patterns; an
// unknown failure of the model is a 502 and is retried like any provider's. The server sends
// HTTP errors as plain text (pi shows "<status> <text>") and in-stream errors as OpenAI's
// JSON error object (pi shows its message).

export type LmErrorCode =
  | "BadRequest"
  | "Unauthorized"
  | "PayloadTooLarge"
  | "NoModels"
  | "NotFound"
  | "NoPermissions"
  | "Blocked"
  | "ToolsUnsupported"
  | "Unknown";

const STATUS: Record<LmErrorCode, number> = {
  BadRequest: 400,
  Unauthorized: 401,
  PayloadTooLarge: 413,
  NoModels: 404,
  NotFound: 404,
  NoPermissions: 403,
  // OpenAI's status for an exhausted quota; the text says "quota exceeded", which pi never retries.
  Blocked: 429,
  ToolsUnsupported: 400,
  Unknown: 502,
};

const OPENAI_TYPE: Record<LmErrorCode, string> = {
  BadRequest: "invalid_request_error",
  Unauthorized: "authentication_error",
  PayloadTooLarge: "invalid_request_error",
  NoModels: "not_found_error",
  NotFound: "not_found_error",
  NoPermissions: "permission_error",
  Blocked: "insufficient_quota",
  ToolsUnsupported: "invalid_request_error",
  Unknown: "api_error",
};

export class LmBridgeError extends Error {
  constructor(
    readonly code: LmErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "LmBridgeError";
  }

  get status(): number {
    return STATUS[this.code];
  }

  /** OpenAI's error object, for an error inside an event stream. */
  toBody(): { error: { message: string; type: string; code: string } } {
    return { error: { message: this.message, type: OPENAI_TYPE[this.code], code: this.code } };
  }
}

const clip = (text: string, max = 500) => (text.length > max ? `${text.slice(0, max)}…` : text);

/** The chat's wording for each failure of a VS Code model. `detail` is VS Code's own text. */
export function lmError(code: LmErrorCode, modelName: string, detail = ""): LmBridgeError {
  const why = detail.trim() ? ` (VS Code said: ${clip(detail.trim())})` : "";
  switch (code) {
    case "NoModels":
      return new LmBridgeError(
        code,
        "No VS Code language models are available. Install and sign in to an extension that provides them " +
          "(for example GitHub Copilot), or pick one of pi's own models.",
      );
    case "NotFound":
      return new LmBridgeError(
        code,
        `The VS Code model "${modelName}" is gone: its extension was disabled, signed out or no longer offers it${why}. ` +
          "Pick another model and send your message again.",
      );
    case "NoPermissions":
      return new LmBridgeError(
        code,
        `VS Code did not allow Pi to use "${modelName}": the permission was declined or revoked${why}. ` +
          "Send your message again and choose Allow when VS Code asks, or pick another model.",
      );
    case "Blocked":
      return new LmBridgeError(
        code,
        `VS Code blocked the request to "${modelName}": quota exceeded or access blocked by its provider${why}. ` +
          "Check your plan with the model's provider, or pick another model.",
      );
    case "ToolsUnsupported":
      return new LmBridgeError(
        code,
        `"${modelName}" cannot call tools, and pi needs tools to read and change files. Pick a model with tool support.`,
      );
    case "Unknown":
      return new LmBridgeError(code, `The VS Code model "${modelName}" failed${why || "."} You can send your message again or pick another model.`);
    default:
      return new LmBridgeError(code, detail || code);
  }
}

/**
 * pi's own words when the last VS Code model went away (pi drops the bridge's provider once its
 * file lists none) replaced by ours, which say what to do; anything else unchanged.
 */
export function explainPiError(text: string, provider: string): string {
  return text.includes(`Unknown provider: ${provider}`) || text.includes(`No API key found for ${provider}`) ? lmError("NoModels", "").message : text;
}
