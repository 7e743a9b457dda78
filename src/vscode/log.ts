// The extension's log: one LogOutputChannel ("Pi"), also used as the host's Logger.
// PI_VSCODE_LOG_FILE (optional) mirrors it to a file: the only way to read the log of a
// VS Code that runs headless (CI, a remote box) after the fact.
import * as fs from "node:fs";
import * as vscode from "vscode";
import type { Logger } from "../host/piProcess";

export function createLog(mirrorFile = process.env.PI_VSCODE_LOG_FILE): { channel: vscode.LogOutputChannel; log: Logger } {
  const channel = vscode.window.createOutputChannel("Pi", { log: true });
  const log: Logger = (level, message) => {
    if (level === "debug") channel.debug(message);
    else if (level === "info") channel.info(message);
    else if (level === "warn") channel.warn(message);
    else channel.error(message);
    if (mirrorFile) {
      try {
        fs.appendFileSync(mirrorFile, `${new Date().toISOString()} [${level}] ${message}\n`);
      } catch {
        // A broken mirror must never break the extension.
      }
    }
  };
  return { channel, log };
}
