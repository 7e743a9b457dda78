// The session menu's Export HTML and Open Session File in VS Code: an exported page is
// offered in the browser, the raw JSONL opens as a (preview) editor.
import * as vscode from "vscode";

/** Offers the exported page; not awaited by the action (the message waits for the user). */
export async function offerExported(htmlPath: string): Promise<void> {
  const choice = await vscode.window.showInformationMessage(`Exported the chat to ${htmlPath}`, "Open in Browser", "Open in Editor");
  if (choice === "Open in Browser") await vscode.env.openExternal(vscode.Uri.file(htmlPath));
  else if (choice === "Open in Editor") await vscode.commands.executeCommand("vscode.open", vscode.Uri.file(htmlPath), { preview: true });
}

export async function openInEditor(file: string): Promise<void> {
  await vscode.commands.executeCommand("vscode.open", vscode.Uri.file(file), { preview: true });
}
