// Routes every webview message to the bridge of the view that sent it, after validation.
// Malformed or unknown messages are rejected and logged; nothing a webview sends can throw
// inside the extension host.
import { Messenger } from "vscode-messenger";
import { isWebviewIdMessageParticipant, type MessageParticipant, type RequestType } from "vscode-messenger-common";
import type { Chat } from "../host/chat";
import type { Logger } from "../host/piProcess";
import { FileSearch } from "../host/workspaceFiles";
import {
  AbortNotification,
  ClearQueueNotification,
  CommandsRequest,
  ConnectRequest,
  FindFilesRequest,
  ProblemsRequest,
  DialogAnswerRequest,
  ForkPointsRequest,
  ForkRequest,
  ExportHtmlRequest,
  OpenSessionFileRequest,
  GetModelsRequest,
  ListSessionsRequest,
  NewSessionNotification,
  OpenDiffRequest,
  CopyTextRequest,
  InsertTextRequest,
  OpenFileRequest,
  PromptRequest,
  RenameRequest,
  RestartNotification,
  ResumeSessionRequest,
  SetModelRequest,
  SetThinkingRequest,
  SteerRequest,
  type ActionResult,
} from "../protocol/messages";
import {
  parseConnectParams,
  parseDialogAnswer,
  parseEmptyParams,
  parseFindFilesParams,
  parseOpenDiffParams,
  parseCodeText,
  parseOpenFileParams,
  parsePromptParams,
  parseStringField,
  ProtocolError,
} from "../protocol/validate";
import type { ChatBridge } from "./chatBridge";

/** vscode-messenger logs unknown methods and bad messages through `log`: route it to ours. */
class LoggingMessenger extends Messenger {
  constructor(private readonly logger: Logger) {
    super({ ignoreHiddenViews: false });
  }
  protected override log(text: string, level: "debug" | "warn" | "error" = "debug"): void {
    this.logger(level === "debug" ? "debug" : level, `webview messenger: ${text}`);
  }
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** What tool cards' buttons do in the editor (toolCardCommands.ts provides it; until then they are refused). */
export interface ToolCardActions {
  openFile(session: Chat, path: string): Promise<void>;
  openDiff(session: Chat, toolCallId: string): Promise<void>;
}

/** What code blocks' Copy and Insert do (VS Code's clipboard and active editor). */
export interface EditorActions {
  copy(text: string): Promise<void>;
  insert(text: string): Promise<void>;
}

const NO_EDITOR_ACTIONS: EditorActions = {
  copy: () => Promise.reject(new Error("Copying is not available here.")),
  insert: () => Promise.reject(new Error("Inserting is not available here.")),
};

/** The composer's helpers that need the editor: `@` file search and the active file's problems. */
/** What happens with an exported HTML file and the raw session file (VS Code opens them). */
export interface SessionFileActions {
  exported(htmlPath: string): Promise<void>;
  open(sessionFile: string): Promise<void>;
}

const NO_SESSION_FILE_ACTIONS: SessionFileActions = {
  exported: () => Promise.resolve(),
  open: () => Promise.reject(new Error("Opening files is not available here.")),
};

export interface ComposerActions {
  /** Files for an `@` mention, relative to `cwd` (undefined: the view has no chat yet). */
  findFiles(cwd: string | undefined, query: string): Promise<string[]>;
  /** The active editor's problems as a short list for the draft. */
  problems(cwd: string | undefined): Promise<string>;
}

/** Without VS Code's help (contextCommands.ts): a plain walk of the chat's folder, and no problems. */
function defaultComposerActions(): ComposerActions {
  const files = new FileSearch();
  return {
    findFiles: async (cwd, query) => (cwd ? files.search(cwd, query) : []),
    problems: () => Promise.reject(new Error("Problems are not available here.")),
  };
}

const NO_TOOL_CARD_ACTIONS: ToolCardActions = {
  openFile: () => Promise.reject(new Error("Opening files is not available here.")),
  openDiff: () => Promise.reject(new Error("Opening diffs is not available here.")),
};

export class ChatRouter {
  readonly messenger: Messenger;
  private readonly bridges = new Map<string, ChatBridge>();
  toolCardActions: ToolCardActions = NO_TOOL_CARD_ACTIONS;
  editorActions: EditorActions = NO_EDITOR_ACTIONS;
  composerActions: ComposerActions = defaultComposerActions();
  sessionFileActions: SessionFileActions = NO_SESSION_FILE_ACTIONS;

  constructor(private readonly log: Logger) {
    this.messenger = new LoggingMessenger(log);
    const m = this.messenger;
    m.onRequest(ConnectRequest, (params, sender) => {
      try {
        const bridge = this.bridgeFor(sender, "connect");
        parseConnectParams(params);
        const snapshot = bridge.snapshot();
        // The page is live now: text added to its draft while it was loading can go.
        bridge.connected();
        return snapshot;
      } catch (err) {
        this.reject(err);
        throw err;
      }
    });
    // Typing before a session exists starts one in this view.
    this.request(PromptRequest, parsePromptParams, async ({ text, images }, bridge) => (await bridge.ensureSession()).prompt(text, images));
    this.sessionRequest(SteerRequest, parsePromptParams, (s, { text, images }) => s.steer(text, images));
    this.sessionRequest(DialogAnswerRequest, parseDialogAnswer, async (s, answer) => {
      if (!s.answerDialog(answer)) throw new Error("That question is no longer open.");
    });
    this.sessionRequest(
      SetModelRequest,
      (p) => ({ provider: parseStringField(p, "setModel", "provider"), modelId: parseStringField(p, "setModel", "modelId") }),
      (s, { provider, modelId }) => s.setModel(provider, modelId),
    );
    this.sessionRequest(SetThinkingRequest, (p) => ({ level: parseStringField(p, "setThinking", "level", 50) }), (s, { level }) => s.setThinkingLevel(level));
    this.sessionRequest(RenameRequest, (p) => ({ name: parseStringField(p, "rename", "name", 200) }), (s, { name }) => s.rename(name));
    this.sessionRequest(ResumeSessionRequest, (p) => ({ file: parseStringField(p, "resumeSession", "file", 4096) }), async (s, { file }) => {
      // Only files from this folder's own list: a view cannot make pi open an arbitrary path.
      if (!s.piSessions().some((p) => p.file === file)) throw new ProtocolError("resumeSession: not a session of this folder");
      await s.switchTo(file);
    });
    // The session is the one this view shows: a view cannot reach another chat's files or snapshots.
    this.sessionRequest(OpenFileRequest, parseOpenFileParams, (s, { path }) => this.toolCardActions.openFile(s, path));
    this.request(CopyTextRequest, (p) => parseCodeText(p, "copyText"), ({ text }) => this.editorActions.copy(text));
    this.request(InsertTextRequest, (p) => parseCodeText(p, "insertText"), ({ text }) => this.editorActions.insert(text));
    this.sessionRequest(OpenDiffRequest, parseOpenDiffParams, (s, { toolCallId }) => this.toolCardActions.openDiff(s, toolCallId));
    m.onRequest(ForkRequest, async (params, sender) => {
      try {
        const entryId = parseStringField(params, "fork", "entryId", 200);
        const bridge = this.bridgeFor(sender, "fork");
        const text = await this.requireSession(bridge, "fork").fork(entryId);
        // The forked message comes back to the input, ready to edit and send again.
        if (text) bridge.appendToDraft(text);
        return { accepted: true, text };
      } catch (err) {
        this.reject(err);
        return { accepted: false, error: errorText(err) };
      }
    });
    this.query(GetModelsRequest, async (s) => ({ models: await s.models(), thinkingLevels: await s.thinkingLevels() }), { models: [], thinkingLevels: [] });
    this.query(ListSessionsRequest, async (s) => ({ sessions: s.piSessions().map(({ file, title, modified }) => ({ file, title, modified })) }), { sessions: [] });
    this.sessionRequest(ExportHtmlRequest, (p) => parseEmptyParams(p, "exportHtml"), async (s) => this.sessionFileActions.exported(await s.exportHtml()));
    this.sessionRequest(OpenSessionFileRequest, (p) => parseEmptyParams(p, "openSessionFile"), async (s) => {
      if (!s.piSessionFile) throw new Error("This chat has no session file yet.");
      await this.sessionFileActions.open(s.piSessionFile);
    });
    this.query(ForkPointsRequest, async (s) => ({ points: await s.forkPoints() }), { points: [] });
    this.query(CommandsRequest, async (s) => ({ commands: await s.commands() }), { commands: [] });
    // Before the first message there is no chat yet, but `@` should already work.
    m.onRequest(FindFilesRequest, async (params, sender) => {
      try {
        const { query } = parseFindFilesParams(params);
        const bridge = this.bridgeFor(sender, "findFiles");
        return { files: await this.composerActions.findFiles(bridge.current?.cwd, query) };
      } catch (err) {
        this.reject(err);
        return { files: [] };
      }
    });
    m.onRequest(ProblemsRequest, async (params, sender) => {
      try {
        parseEmptyParams(params, "problems");
        const bridge = this.bridgeFor(sender, "problems");
        return { accepted: true, text: await this.composerActions.problems(bridge.current?.cwd) };
      } catch (err) {
        this.reject(err);
        return { accepted: false, error: errorText(err) };
      }
    });
    this.notification(AbortNotification, "abort", (bridge) => bridge.current?.abort());
    this.notification(ClearQueueNotification, "clearQueue", (bridge) => bridge.current?.clearQueue());
    this.notification(NewSessionNotification, "newSession", async (bridge) => {
      const previous = bridge.current;
      bridge.attach(await bridge.source.createNew());
      // The replaced chat's pi is stopped unless another view still shows it.
      if (previous && previous !== bridge.current) bridge.source.release?.(previous);
    });
    this.notification(RestartNotification, "restart", (bridge) => bridge.current?.restart());
  }

  add(bridge: ChatBridge): void {
    this.bridges.set(bridge.participant.webviewId, bridge);
  }

  remove(bridge: ChatBridge): void {
    this.bridges.delete(bridge.participant.webviewId);
  }

  /** A validated request that answers an ActionResult. */
  private request<P>(type: RequestType<P, ActionResult>, parse: (raw: unknown) => P, run: (params: P, bridge: ChatBridge) => Promise<unknown>): void {
    this.messenger.onRequest(type, async (raw: unknown, sender: MessageParticipant) => {
      try {
        const bridge = this.bridgeFor(sender, type.method);
        await run(parse(raw), bridge);
        return { accepted: true };
      } catch (err) {
        this.reject(err);
        return { accepted: false, error: errorText(err) };
      }
    });
  }

  private sessionRequest<P>(type: RequestType<P, ActionResult>, parse: (raw: unknown) => P, run: (session: Chat, params: P) => Promise<unknown>): void {
    this.request(type, parse, (params, bridge) => run(this.requireSession(bridge, type.method), params));
  }

  /** A parameterless read; answers `empty` when there is no session or it fails. */
  private query<R>(type: RequestType<Record<string, never>, R>, run: (session: Chat) => Promise<R>, empty: R): void {
    this.messenger.onRequest(type, async (raw: unknown, sender: MessageParticipant) => {
      try {
        parseEmptyParams(raw, type.method);
        const bridge = this.bridgeFor(sender, type.method);
        return bridge.current ? await run(bridge.current) : empty;
      } catch (err) {
        this.reject(err);
        return empty;
      }
    });
  }

  private notification(type: { method: string }, what: string, act: (bridge: ChatBridge) => Promise<unknown> | unknown): void {
    this.messenger.onNotification(type, async (params: unknown, sender: MessageParticipant) => {
      try {
        parseEmptyParams(params, what);
        await act(this.bridgeFor(sender, what));
      } catch (err) {
        this.reject(err);
      }
    });
  }

  private sessionFor(sender: MessageParticipant, what: string): Chat {
    return this.requireSession(this.bridgeFor(sender, what), what);
  }

  private requireSession(bridge: ChatBridge, what: string): Chat {
    if (!bridge.current) throw new Error(`${what}: no session in this view yet.`);
    return bridge.current;
  }

  private bridgeFor(sender: MessageParticipant, what: string): ChatBridge {
    const bridge = isWebviewIdMessageParticipant(sender) ? this.bridges.get(sender.webviewId) : undefined;
    if (!bridge) throw new ProtocolError(`${what}: message from an unknown view`);
    return bridge;
  }

  private reject(err: unknown): void {
    if (err instanceof ProtocolError) this.log("warn", `rejected a webview message: ${err.message}`);
    else this.log("warn", `webview action failed: ${errorText(err)}`);
  }
}
