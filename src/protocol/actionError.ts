// The one way an action fails, on both transports: a code a program can branch on and a
// message a person can read. HTTP answers with the code's status; vscode-messenger carries
// the pair in its reply. Views show `message`.

export const ACTION_ERROR_STATUS = {
  /** The params do not fit the action's schema (a bug or a hostile view). */
  invalid_params: 400,
  /** No credential, or a wrong one (HTTP only). */
  unauthorized: 401,
  /** Not this view's or this client's to do. */
  forbidden: 403,
  /** The chat, dialog, checkpoint… named does not exist (any more). */
  not_found: 404,
  /** The action exists but not on this face (e.g. an editor action in a browser). */
  not_available: 404,
  /** pi (or the state of the chat) refused it: not running, busy, unknown model. */
  refused: 409,
  /** Too many of something (chats, processes). */
  limit: 429,
  /** Shutting down or overloaded; try again. */
  unavailable: 503,
  /** A bug on our side. */
  internal: 500,
} as const;

export type ActionErrorCode = keyof typeof ACTION_ERROR_STATUS;

export class ActionError extends Error {
  constructor(
    readonly code: ActionErrorCode,
    message: string,
    /** Extra HTTP headers (e.g. Retry-After). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ActionError";
  }
}

export function isActionErrorCode(value: unknown): value is ActionErrorCode {
  return typeof value === "string" && Object.hasOwn(ACTION_ERROR_STATUS, value);
}

/** Any failure as text for a person: the one place that turns an unknown error into words. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Also true for an ActionError of another bundle of this extension (the remote server's
 * dist/remote.js calls into the chat's dist/chat.js): each has its own copy of the class.
 */
export function isActionError(err: unknown): err is ActionError {
  return err instanceof ActionError || (err instanceof Error && err.name === "ActionError" && isActionErrorCode((err as { code?: unknown }).code));
}

/** Any failure as an ActionError: ours keep their code; anything else is pi's (or the state's) refusal. */
export function toActionError(err: unknown): ActionError {
  if (isActionError(err)) return err;
  return new ActionError("refused", errorText(err));
}

/** The wire form of a failure (HTTP body `{error}`, messenger reply `{ok:false, error}`). */
export interface ActionErrorBody {
  code: ActionErrorCode;
  message: string;
}
