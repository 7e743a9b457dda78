// pi's extension UI requests (from pi extensions) answered with native VS Code UI.
import * as vscode from "vscode";
import type { UiRequestHandler } from "../host/chatSession";
import type { RpcExtensionUIRequest, RpcExtensionUIResponse } from "../pi/rpcTypes";

function cancelled(id: string): RpcExtensionUIResponse {
  return { type: "extension_ui_response", id, cancelled: true };
}

async function answer(request: RpcExtensionUIRequest): Promise<RpcExtensionUIResponse | undefined> {
  switch (request.method) {
    case "select": {
      const value = await vscode.window.showQuickPick(request.options, { title: request.title, ignoreFocusOut: true });
      return value === undefined ? cancelled(request.id) : { type: "extension_ui_response", id: request.id, value };
    }
    case "confirm": {
      const yes = "Yes";
      const choice = await vscode.window.showWarningMessage(request.title, { modal: true, detail: request.message }, yes);
      return { type: "extension_ui_response", id: request.id, confirmed: choice === yes };
    }
    case "input":
    case "editor": {
      const value = await vscode.window.showInputBox({
        title: request.title,
        placeHolder: request.method === "input" ? request.placeholder : undefined,
        value: request.method === "editor" ? request.prefill : undefined,
        ignoreFocusOut: true,
      });
      return value === undefined ? cancelled(request.id) : { type: "extension_ui_response", id: request.id, value };
    }
    case "notify": {
      const show =
        request.notifyType === "error"
          ? vscode.window.showErrorMessage
          : request.notifyType === "warning"
            ? vscode.window.showWarningMessage
            : vscode.window.showInformationMessage;
      void show(request.message);
      return undefined;
    }
    default:
      return undefined;
  }
}

export const vscodeUiHandler: UiRequestHandler = (_session, request) => answer(request);
