// What the chat app needs from its host. VS Code (vscode-messenger) implements it today;
// a browser (HTTP + SSE) implements the same interface for the remote view.
import type { ActionResult, DialogAnswerParams, ModelChoice, PiSessionSummary, PromptImage, SlashCommand } from "../src/protocol/messages";
import type { ChatSnapshot, PatchBatch } from "../src/protocol/transcript";

export interface ChatTransport {
  connect(clientId: string): Promise<ChatSnapshot>;
  /** `images`: pasted or dropped into the composer (already within the limits of protocol/images.ts). */
  prompt(text: string, images?: PromptImage[]): Promise<ActionResult>;
  steer(text: string, images?: PromptImage[]): Promise<ActionResult>;
  abort(): void;
  clearQueue(): void;
  newSession(): void;
  restart(): void;
  answerDialog(answer: DialogAnswerParams): Promise<ActionResult>;
  getModels(): Promise<{ models: ModelChoice[]; thinkingLevels: string[] }>;
  setModel(provider: string, modelId: string): Promise<ActionResult>;
  setThinking(level: string): Promise<ActionResult>;
  listSessions(): Promise<PiSessionSummary[]>;
  resumeSession(file: string): Promise<ActionResult>;
  /** Opens a file a tool card names, in the editor. Absent: the host cannot (a browser), so no button. */
  openFile?(path: string): Promise<ActionResult>;
  /** Shows a write/edit card's change in a diff editor. Absent: no "Open diff" button. */
  openDiff?(toolCallId: string): Promise<ActionResult>;
  /** pi's slash commands for the composer's `/` list. Absent: no list. */
  commands?(): Promise<SlashCommand[]>;
  /** Workspace files for an `@` mention, best matches first. Absent: no picker. */
  findFiles?(query: string): Promise<string[]>;
  /** The active editor's problems as draft text. Absent (a browser): no "Add problems" button. */
  problems?(): Promise<ActionResult & { text?: string }>;
  /** Text the host adds to the draft ("Add Selection to Chat"). Returns an unsubscribe. Absent: never happens. */
  onAppendToDraft?(listener: (text: string) => void): () => void;
  onPatches(listener: (batch: PatchBatch) => void): void;
  onSnapshot(listener: (snapshot: ChatSnapshot) => void): void;
  /** Survives a reload of the page (VS Code: webview state). */
  loadDraft(): string;
  saveDraft(text: string): void;
  /** Copies through the host (VS Code's clipboard); absent: the page uses navigator.clipboard. */
  copyText?(text: string): Promise<ActionResult>;
  /** Inserts at the cursor of the active editor; absent (browser): no Insert button. */
  insertText?(text: string): Promise<ActionResult>;
  /** The session menu; absent methods hide their buttons (the browser has none of these yet). */
  rename?(name: string): Promise<ActionResult>;
  forkPoints?(): Promise<Array<{ entryId: string; text: string }>>;
  fork?(entryId: string): Promise<ActionResult>;
  exportHtml?(): Promise<ActionResult>;
  openSessionFile?(): Promise<ActionResult>;
  /** Where the transcript was scrolled to (undefined = follow the end); survives a reload too. */
  loadScroll(): ScrollPosition | undefined;
  saveScroll(position: ScrollPosition | undefined): void;
}

/** A scroll position that survives re-rendering: an item and the pixel offset into it. */
export interface ScrollPosition {
  itemId: string;
  offset: number;
}
