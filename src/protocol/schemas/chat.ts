// Parameters and results of the chat actions (see ../actions.ts), as schemas. The limits are
// the host's: a view is untrusted input, and a runaway paste must not hang the host.
import { Type } from "typebox";
import { IMAGE_MIME_TYPES, MAX_IMAGES } from "../images";
import { Empty, Id, MAX_PATH_CHARS, Obj, PathString, Str } from "./common";
import { DialogItemSchema } from "./transcript";

/** Longest message accepted from a view (pi itself has no limit). */
export const MAX_PROMPT_CHARS = 1_000_000;
/** Longest `@` query accepted (a path fragment). */
export const MAX_FILE_QUERY = 300;
/** A code block's text for Copy / Insert. */
export const MAX_CODE_TEXT = 1024 * 1024;

/** pi's ImageContent: base64 without a `data:` prefix (its bytes are checked by images.ts). */
export const PromptImageSchema = Obj({
  type: Type.Literal("image"),
  data: Type.String({ minLength: 1 }),
  mimeType: Type.Enum([...IMAGE_MIME_TYPES]),
});

/** A user message: its text and pasted or dropped images. */
export const MessageParams = Obj({
  text: Str(MAX_PROMPT_CHARS, 1),
  images: Type.Optional(Type.Array(PromptImageSchema, { maxItems: MAX_IMAGES })),
});

/** The answer to an open dialog card: exactly one of value / confirmed / cancelled (checked in actions.ts). */
export const DialogAnswerParams = Obj({
  id: Str(200, 1),
  value: Type.Optional(Str(MAX_PROMPT_CHARS)),
  confirmed: Type.Optional(Type.Boolean()),
  cancelled: Type.Optional(Type.Literal(true)),
});

export const ModelChoiceSchema = Type.Object({
  provider: Type.String(),
  id: Type.String(),
  name: Type.String(),
  reasoning: Type.Boolean(),
});

export const ModelsResult = Obj({ models: Type.Array(ModelChoiceSchema), thinkingLevels: Type.Array(Type.String()) });
export const SetModelParams = Obj({ provider: Id, modelId: Id });
export const SetThinkingParams = Obj({ level: Str(50, 1) });

/** A command pi runs when a message starts with `/name` (prompt templates, skills, extension commands). */
export const SlashCommandSchema = Type.Object({
  name: Type.String(),
  description: Type.Optional(Type.String()),
  source: Type.Enum(["extension", "prompt", "skill"]),
});
export const CommandsResult = Obj({ commands: Type.Array(SlashCommandSchema) });

export const FindFilesParams = Obj({ query: Type.String({ maxLength: MAX_FILE_QUERY, pattern: "^[^\\u0000]*$" }) });
/** Paths are relative to the chat's workspace folder, with `/` separators. */
export const FindFilesResult = Obj({ files: Type.Array(Type.String()) });

/** One of pi's session files of this folder. */
export const PiSessionSummarySchema = Type.Object({
  file: Type.String(),
  title: Type.String(),
  /** ms since epoch of the last write. */
  modified: Type.Number(),
});
export const PiSessionsResult = Obj({ piSessions: Type.Array(PiSessionSummarySchema) });
export const PiSessionFileParams = Obj({ file: Str(MAX_PATH_CHARS, 1) });

export const ForkPointSchema = Type.Object({ entryId: Type.String(), text: Type.String() });
export const ForkPointsResult = Obj({ points: Type.Array(ForkPointSchema) });
export const ForkParams = Obj({ entryId: Str(200, 1) });
/** The forked message's text, for the composer (ready to edit and send again). */
export const ForkResult = Obj({ text: Type.String() });
export const RenameParams = Obj({ name: Str(200, 1) });
/** The id of the first item a view has: it asks for the ones before it. */
export const OlderItemsParams = Obj({ before: Id });

export const OpenFileParams = Obj({ path: PathString });
export const ToolCallParams = Obj({ toolCallId: Id });
export const CodeTextParams = Obj({ text: Str(MAX_CODE_TEXT) });
export const TextResult = Obj({ text: Type.String() });
export const PathResult = Obj({ path: Type.String() });

/** What a chat needs from the user: its status, or `waiting` while a question is open. */
export const ChatStateSchema = Type.Enum(["starting", "ready", "working", "waiting", "stopped", "crashed", "error"]);

/** A live chat as a list shows it (the browser's sessions page answers its questions inline). */
export const ChatSummarySchema = Type.Object({
  chatId: Type.String(),
  title: Type.String(),
  cwd: Type.String(),
  status: Type.String(),
  state: ChatStateSchema,
  /** "provider/id". */
  model: Type.Optional(Type.String()),
  /** Dollars spent so far in this pi session. */
  cost: Type.Optional(Type.Number()),
  /** pi's open questions (dialogs, approvals), oldest first; answered with answerDialog on this chat. */
  waiting: Type.Array(DialogItemSchema),
  /** Who is looking: views in VS Code, browsers streaming it. */
  viewers: Type.Optional(Type.Object({ vscode: Type.Number(), browser: Type.Number() })),
  /** ms since epoch of the last prompt: a browser opens the most recent chat. */
  lastActivity: Type.Number(),
});
export const ChatsResult = Obj({ chats: Type.Array(ChatSummarySchema) });
export const NewChatResult = Obj({ chatId: Type.String() });

export { Empty };
