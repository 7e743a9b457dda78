// The transport inside a VS Code webview: vscode-messenger requests and notifications.
import { Messenger, type VsCodeApi } from "vscode-messenger-webview";
import { HOST_EXTENSION } from "vscode-messenger-common";
import {
  AbortNotification,
  AppendToDraftNotification,
  ClearQueueNotification,
  CommandsRequest,
  ConnectRequest,
  ExportHtmlRequest,
  ForkPointsRequest,
  ForkRequest,
  OpenSessionFileRequest,
  RenameRequest,
  FindFilesRequest,
  ProblemsRequest,
  CopyTextRequest,
  InsertTextRequest,
  DialogAnswerRequest,
  GetModelsRequest,
  ListSessionsRequest,
  NewSessionNotification,
  OpenDiffRequest,
  OpenFileRequest,
  PatchesNotification,
  PromptRequest,
  RestartNotification,
  ResumeSessionRequest,
  SetModelRequest,
  SetThinkingRequest,
  SnapshotNotification,
  SteerRequest,
} from "../src/protocol/messages";
import type { ChatSnapshot } from "../src/protocol/transcript";
import type { ChatTransport, ScrollPosition } from "./transport";

interface PersistedState {
  draft?: string;
  scroll?: ScrollPosition;
  /** The chat this tab shows: VS Code hands it back to restore the tab after a reload. */
  chatId?: string;
}

export function createVscodeTransport(vscode: VsCodeApi): ChatTransport {
  const messenger = new Messenger(vscode);
  const state = (): PersistedState => (vscode.getState() as PersistedState | undefined) ?? {};
  const rememberChat = (snapshot: ChatSnapshot): ChatSnapshot => {
    const chatId = snapshot?.info?.chatId || undefined;
    if (chatId !== state().chatId) vscode.setState({ ...state(), chatId });
    return snapshot;
  };
  // The host may send draft text before the composer has subscribed (the page just loaded): keep it until then.
  const draftListeners = new Set<(text: string) => void>();
  let draftBacklog: string[] = [];
  messenger.onNotification(AppendToDraftNotification, (params) => {
    const text = typeof params?.text === "string" ? params.text : "";
    if (!text) return;
    if (draftListeners.size) draftListeners.forEach((l) => l(text));
    else draftBacklog.push(text);
  });
  const transport: ChatTransport = {
    connect: (clientId) => messenger.sendRequest(ConnectRequest, HOST_EXTENSION, { clientId }).then(rememberChat),
    prompt: (text, images) => messenger.sendRequest(PromptRequest, HOST_EXTENSION, images?.length ? { text, images } : { text }),
    steer: (text, images) => messenger.sendRequest(SteerRequest, HOST_EXTENSION, images?.length ? { text, images } : { text }),
    abort: () => messenger.sendNotification(AbortNotification, HOST_EXTENSION, {}),
    clearQueue: () => messenger.sendNotification(ClearQueueNotification, HOST_EXTENSION, {}),
    newSession: () => messenger.sendNotification(NewSessionNotification, HOST_EXTENSION, {}),
    restart: () => messenger.sendNotification(RestartNotification, HOST_EXTENSION, {}),
    answerDialog: (answer) => messenger.sendRequest(DialogAnswerRequest, HOST_EXTENSION, answer),
    getModels: () => messenger.sendRequest(GetModelsRequest, HOST_EXTENSION, {}),
    setModel: (provider, modelId) => messenger.sendRequest(SetModelRequest, HOST_EXTENSION, { provider, modelId }),
    setThinking: (level) => messenger.sendRequest(SetThinkingRequest, HOST_EXTENSION, { level }),
    copyText: (text) => messenger.sendRequest(CopyTextRequest, HOST_EXTENSION, { text }),
    insertText: (text) => messenger.sendRequest(InsertTextRequest, HOST_EXTENSION, { text }),
    rename: (name) => messenger.sendRequest(RenameRequest, HOST_EXTENSION, { name }),
    forkPoints: async () => {
      const reply = await messenger.sendRequest(ForkPointsRequest, HOST_EXTENSION, {});
      return Array.isArray(reply?.points) ? reply.points : [];
    },
    fork: (entryId) => messenger.sendRequest(ForkRequest, HOST_EXTENSION, { entryId }),
    exportHtml: () => messenger.sendRequest(ExportHtmlRequest, HOST_EXTENSION, {}),
    openSessionFile: () => messenger.sendRequest(OpenSessionFileRequest, HOST_EXTENSION, {}),
    listSessions: async () => (await messenger.sendRequest(ListSessionsRequest, HOST_EXTENSION, {})).sessions,
    resumeSession: (file) => messenger.sendRequest(ResumeSessionRequest, HOST_EXTENSION, { file }),
    openFile: (path) => messenger.sendRequest(OpenFileRequest, HOST_EXTENSION, { path }),
    openDiff: (toolCallId) => messenger.sendRequest(OpenDiffRequest, HOST_EXTENSION, { toolCallId }),
    commands: async () => (await messenger.sendRequest(CommandsRequest, HOST_EXTENSION, {})).commands,
    findFiles: async (query) => (await messenger.sendRequest(FindFilesRequest, HOST_EXTENSION, { query })).files,
    problems: () => messenger.sendRequest(ProblemsRequest, HOST_EXTENSION, {}),
    onAppendToDraft: (listener) => {
      draftListeners.add(listener);
      const backlog = draftBacklog;
      draftBacklog = [];
      backlog.forEach((text) => listener(text));
      return () => draftListeners.delete(listener);
    },
    onPatches: (listener) => messenger.onNotification(PatchesNotification, listener),
    onSnapshot: (listener) => messenger.onNotification(SnapshotNotification, (snapshot) => listener(rememberChat(snapshot))),
    loadDraft: () => state().draft ?? "",
    saveDraft: (draft) => vscode.setState({ ...state(), draft }),
    loadScroll: () => state().scroll,
    saveScroll: (scroll) => vscode.setState({ ...state(), scroll }),
  };
  messenger.start();
  return transport;
}
