// TypeScript types of the chat actions' params and results, derived from their schemas.
import type { Static } from "typebox";
import type * as C from "./schemas/chat";
import type * as R from "./schemas/review";

export type { PromptImage } from "./images";
export type MessageParams = Static<typeof C.MessageParams>;
export type DialogAnswer = Static<typeof C.DialogAnswerParams>;
export type ModelChoice = Static<typeof C.ModelChoiceSchema>;
export type SlashCommand = Static<typeof C.SlashCommandSchema>;
export type PiSessionSummary = Static<typeof C.PiSessionSummarySchema>;
export type ForkPoint = Static<typeof C.ForkPointSchema>;
export type ChatSummary = Static<typeof C.ChatSummarySchema>;
export type ChatState = Static<typeof C.ChatStateSchema>;

export type DiffHunk = Static<typeof R.DiffHunkSchema>;
export type FileDiff = Static<typeof R.FileDiffResult>;
export type ReviewOutcome = Static<typeof R.ReviewResult>;
export type RewindPreview = Static<typeof R.RewindPreviewResult>;
export type RewindMode = Static<typeof R.RewindParams>["mode"];
export type RewindOutcome = Static<typeof R.RewindResult>;
export type EditProposalView = Static<typeof R.EditProposalResult>;
export type ProposalSideView = Static<typeof R.ProposalSideSchema>;
