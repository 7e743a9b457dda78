// The extension's log: one LogOutputChannel ("Pi"), also used as the host's Logger.
import * as vscode from "vscode";
import type { Logger } from "../host/piProcess";

export function createLog(): { channel: vscode.LogOutputChannel; log: Logger } {
  const channel = vscode.window.createOutputChannel("Pi", { log: true });
  const log: Logger = (level, message) => {
    if (level === "debug") channel.debug(message);
    else if (level === "info") channel.info(message);
    else if (level === "warn") channel.warn(message);
    else channel.error(message);
  };
  return { channel, log };
}
