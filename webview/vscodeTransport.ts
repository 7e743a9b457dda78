// The transport inside a VS Code webview: vscode-messenger requests and notifications.
import { Messenger, type VsCodeApi } from "vscode-messenger-webview";
import { HOST_EXTENSION } from "vscode-messenger-common";
import {
  AbortNotification,
  ClearQueueNotification,
  ConnectRequest,
  DialogAnswerRequest,
  GetModelsRequest,
  ListSessionsRequest,
  NewSessionNotification,
  PatchesNotification,
  PromptRequest,
  RestartNotification,
  ResumeSessionRequest,
  SetModelRequest,
  SetThinkingRequest,
  SnapshotNotification,
  SteerRequest,
} from "../src/protocol/messages";
import type { ChatTransport, ScrollPosition } from "./transport";

interface PersistedState {
  draft?: string;
  scroll?: ScrollPosition;
}

export function createVscodeTransport(vscode: VsCodeApi): ChatTransport {
  const messenger = new Messenger(vscode);
  const state = (): PersistedState => (vscode.getState() as PersistedState | undefined) ?? {};
  const transport: ChatTransport = {
    connect: (clientId) => messenger.sendRequest(ConnectRequest, HOST_EXTENSION, { clientId }),
    prompt: (text) => messenger.sendRequest(PromptRequest, HOST_EXTENSION, { text }),
    steer: (text) => messenger.sendRequest(SteerRequest, HOST_EXTENSION, { text }),
    abort: () => messenger.sendNotification(AbortNotification, HOST_EXTENSION, {}),
    clearQueue: () => messenger.sendNotification(ClearQueueNotification, HOST_EXTENSION, {}),
    newSession: () => messenger.sendNotification(NewSessionNotification, HOST_EXTENSION, {}),
    restart: () => messenger.sendNotification(RestartNotification, HOST_EXTENSION, {}),
    answerDialog: (answer) => messenger.sendRequest(DialogAnswerRequest, HOST_EXTENSION, answer),
    getModels: () => messenger.sendRequest(GetModelsRequest, HOST_EXTENSION, {}),
    setModel: (provider, modelId) => messenger.sendRequest(SetModelRequest, HOST_EXTENSION, { provider, modelId }),
    setThinking: (level) => messenger.sendRequest(SetThinkingRequest, HOST_EXTENSION, { level }),
    listSessions: async () => (await messenger.sendRequest(ListSessionsRequest, HOST_EXTENSION, {})).sessions,
    resumeSession: (file) => messenger.sendRequest(ResumeSessionRequest, HOST_EXTENSION, { file }),
    onPatches: (listener) => messenger.onNotification(PatchesNotification, listener),
    onSnapshot: (listener) => messenger.onNotification(SnapshotNotification, listener),
    loadDraft: () => state().draft ?? "",
    saveDraft: (draft) => vscode.setState({ ...state(), draft }),
    loadScroll: () => state().scroll,
    saveScroll: (scroll) => vscode.setState({ ...state(), scroll }),
  };
  messenger.start();
  return transport;
}
