// TypeScript types of the chat actions' params and results, derived from their schemas.
import type { Static } from "typebox";
import type * as C from "./schemas/chat";

export type { PromptImage } from "./images";
export type MessageParams = Static<typeof C.MessageParams>;
export type DialogAnswer = Static<typeof C.DialogAnswerParams>;
export type ModelChoice = Static<typeof C.ModelChoiceSchema>;
export type SlashCommand = Static<typeof C.SlashCommandSchema>;
export type PiSessionSummary = Static<typeof C.PiSessionSummarySchema>;
export type ForkPoint = Static<typeof C.ForkPointSchema>;
export type ChatSummary = Static<typeof C.ChatSummarySchema>;
export type ChatState = Static<typeof C.ChatStateSchema>;
