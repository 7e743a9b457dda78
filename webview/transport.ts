// What the chat app needs from its host. VS Code (vscode-messenger) implements it today;
// a browser (HTTP + SSE) implements the same interface for the remote view.
import type { ActionResult, DialogAnswerParams, ModelChoice, PastSessionSummary } from "../src/protocol/messages";
import type { ChatSnapshot, PatchBatch } from "../src/protocol/transcript";

export interface ChatTransport {
  connect(clientId: string): Promise<ChatSnapshot>;
  prompt(text: string): Promise<ActionResult>;
  steer(text: string): Promise<ActionResult>;
  abort(): void;
  clearQueue(): void;
  newSession(): void;
  restart(): void;
  answerDialog(answer: DialogAnswerParams): Promise<ActionResult>;
  getModels(): Promise<{ models: ModelChoice[]; thinkingLevels: string[] }>;
  setModel(provider: string, modelId: string): Promise<ActionResult>;
  setThinking(level: string): Promise<ActionResult>;
  listSessions(): Promise<PastSessionSummary[]>;
  resumeSession(file: string): Promise<ActionResult>;
  onPatches(listener: (batch: PatchBatch) => void): void;
  onSnapshot(listener: (snapshot: ChatSnapshot) => void): void;
  /** Survives a reload of the page (VS Code: webview state). */
  loadDraft(): string;
  saveDraft(text: string): void;
  /** Where the transcript was scrolled to (undefined = follow the end); survives a reload too. */
  loadScroll(): ScrollPosition | undefined;
  saveScroll(position: ScrollPosition | undefined): void;
}

/** A scroll position that survives re-rendering: an item and the pixel offset into it. */
export interface ScrollPosition {
  itemId: string;
  offset: number;
}
