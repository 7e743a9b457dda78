// Bringing editor context into the chat: "Pi: Add Selection to Chat" (editor context menu,
// Ctrl/Cmd+Alt+P) puts the selection into the sidebar's draft, the composer's "Add problems"
// lists the active file's diagnostics, and its `@` picker searches with VS Code's own file
// search, so files.exclude applies as in the Explorer.
import * as path from "node:path";
import * as vscode from "vscode";
import { ActionError } from "../protocol/actionError";
import { mentionOf, problemsList, selectionBlock, type Problem } from "../host/draftText";
import { DEFAULT_LIST_LIMITS, FileSearch, IGNORED_DIRS } from "../host/workspaceFiles";
import { CHAT_VIEW_ID } from "./commandIds";
import type { ChatViewProvider } from "./chatViewProvider";

/**
 * files.exclude of `folder` plus the folders never listed, as one glob (findFiles takes one).
 * Patterns with braces or commas cannot be nested in a `{a,b}` group and are left out.
 */
function excludeGlob(folder: vscode.Uri): string {
  const configured = vscode.workspace.getConfiguration("files", folder).get<Record<string, unknown>>("exclude") ?? {};
  const patterns = Object.entries(configured)
    .filter(([pattern, on]) => on === true && !/[{},]/.test(pattern))
    .map(([pattern]) => pattern);
  return `{${[...[...IGNORED_DIRS].map((d) => `**/${d}`), ...patterns].join(",")}}`;
}

/** The `@` picker over VS Code's own file search (files.exclude applies as in the Explorer). */
export function vscodeFileSearch(): FileSearch {
  return new FileSearch(listWithVscode);
}

async function listWithVscode(cwd: string): Promise<string[]> {
  const base = vscode.Uri.file(cwd);
  const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(base, "**/*"), excludeGlob(base), DEFAULT_LIST_LIMITS.maxFiles);
  return uris.flatMap((uri) => {
    const rel = path.relative(cwd, uri.fsPath);
    return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? [rel.split(path.sep).join("/")] : [];
  });
}

/** Where a view without a chat would start one: only unambiguous with a single folder. */
export function soleFolder(): string | undefined {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === "file");
  return folders.length === 1 ? folders[0].uri.fsPath : undefined;
}

const SEVERITY: Partial<Record<vscode.DiagnosticSeverity, Problem["severity"]>> = {
  [vscode.DiagnosticSeverity.Error]: "error",
  [vscode.DiagnosticSeverity.Warning]: "warning",
  [vscode.DiagnosticSeverity.Information]: "info",
};

function codeText(code: vscode.Diagnostic["code"]): string | undefined {
  if (code === undefined) return undefined;
  return typeof code === "object" ? String(code.value) : String(code);
}

/** The editor the user works in, even while the chat has focus. */
function workingEditor(): vscode.TextEditor | undefined {
  return vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === "file");
}

export async function activeProblems(cwd: string | undefined): Promise<string> {
  const editor = workingEditor();
  if (!editor) throw new ActionError("refused", "No file is open: open the file whose problems you want to add.");
  const uri = editor.document.uri;
  const fileMention = mentionOf(cwd ?? vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath, uri.fsPath);
  // Hints (faded unused code and the like) are left out: they are not problems to fix.
  const problems = vscode.languages.getDiagnostics(uri).flatMap((d): Problem[] => {
    const severity = SEVERITY[d.severity];
    if (!severity) return [];
    return [{ line: d.range.start.line + 1, column: d.range.start.character + 1, severity, message: d.message, source: d.source, code: codeText(d.code) }];
  });
  if (!problems.length) throw new ActionError("refused", `No problems in ${fileMention}.`);
  return problemsList(fileMention, problems);
}

function selectionText(editor: vscode.TextEditor, cwd: string | undefined): string {
  const doc = editor.document;
  const fileMention = mentionOf(cwd ?? vscode.workspace.getWorkspaceFolder(doc.uri)?.uri.fsPath, doc.uri.fsPath);
  return editor.selections
    .filter((s) => !s.isEmpty)
    .sort((a, b) => a.start.compareTo(b.start))
    .map((s) => {
      // A selection of whole lines ends at column 0 of the next line: that line is not part of it.
      const endLine = s.end.character === 0 && s.end.line > s.start.line ? s.end.line - 1 : s.end.line;
      const range = new vscode.Range(s.start, endLine === s.end.line ? s.end : doc.lineAt(endLine).range.end);
      return selectionBlock({ mention: fileMention, startLine: s.start.line + 1, endLine: endLine + 1, languageId: doc.languageId, text: doc.getText(range) });
    })
    .join("\n");
}

/** "Pi: Add Selection to Chat": the selection into the sidebar's draft. */
export async function addSelectionToChat(view: ChatViewProvider): Promise<void> {
  const editor = workingEditor();
  const text = editor ? selectionText(editor, view.current?.cwd) : "";
  if (!text) {
    void vscode.window.showInformationMessage("Select some code in an editor first, then add it to the chat.");
    return;
  }
  view.appendToDraft(text);
  // Opens the sidebar if it is closed; the page takes the text once it has loaded.
  await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
}
