// pi's fire-and-forget extension UI requests, shown with native VS Code UI.
// Dialogs (select/confirm/input/editor) are not handled here: they become cards in the
// chat, answerable from any view of the session (VS Code or a browser).
import * as vscode from "vscode";
import type { UiRequestHandler } from "../host/chat/chat";

export function createVscodeUiHandler(statusBar: vscode.StatusBarItem): UiRequestHandler {
  const statuses = new Map<string, string>();
  return async (_session, request) => {
    if (request.method === "notify") {
      const show =
        request.notifyType === "error"
          ? vscode.window.showErrorMessage
          : request.notifyType === "warning"
            ? vscode.window.showWarningMessage
            : vscode.window.showInformationMessage;
      void show(request.message);
    } else if (request.method === "setStatus") {
      if (request.statusText) statuses.set(request.statusKey, request.statusText);
      else statuses.delete(request.statusKey);
      statusBar.text = [...statuses.values()].join("  ");
      if (statuses.size) statusBar.show();
      else statusBar.hide();
    }
    return undefined;
  };
}
