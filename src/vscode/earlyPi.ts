// The waiting pi of a window (src/host/piZygote.ts), started by the activation shell before the
// chat machinery loads: in a window that has just opened, a command that activated Pi reaches
// its handler a few hundred ms later, and pi's own start (two thirds of it reading pi's code)
// runs in that gap instead of after it. Only where a chat is likely: a trusted workspace, with
// `pi.prewarm` on, where Pi has run here or elsewhere on this machine; a window where no chat is
// asked for stops it after WAITING_PI_UNUSED_MS. It needs the Node to use without running
// anything to find it: the host's own, or the one the last start found with the same settings.
import * as vscode from "vscode";
import { isSupportedNode, type NodeRuntime } from "../host/nodeRuntime";
import { defaultPiCliPath, defaultZygotePath } from "../host/piPaths";
import type { Logger } from "../host/piProcess";
import { PiZygote } from "../host/piZygote";

/** workspaceState: a chat has run in this workspace (so a window opening it warms a spare at once). */
export const USED_HERE = "pi.usedHere";
/** globalState: a chat has run in some workspace on this machine. */
export const USED_ON_MACHINE = "pi.usedOnThisMachine";
/** globalState: the Node the last start found, and what it was found from. */
const LAST_NODE = "pi.lastNode";

interface RememberedNode {
  configured: string;
  hostExecPath: string;
  hostNode: string;
  node: NodeRuntime;
}

const configuredNode = () => vscode.workspace.getConfiguration("pi").get<string>("nodePath")?.trim() ?? "";

/** Remembers the Node a start found, for the next activation. */
export function rememberNode(context: vscode.ExtensionContext, node: NodeRuntime): void {
  const entry: RememberedNode = { configured: configuredNode(), hostExecPath: process.execPath, hostNode: process.versions.node, node };
  const last = context.globalState.get<RememberedNode>(LAST_NODE);
  if (JSON.stringify(last) !== JSON.stringify(entry)) void context.globalState.update(LAST_NODE, entry);
}

/** The Node a start would use, when it is known without running anything. */
function knownNode(context: vscode.ExtensionContext): NodeRuntime | undefined {
  const configured = configuredNode();
  const last = context.globalState.get<RememberedNode>(LAST_NODE);
  if (last && last.configured === configured && last.hostExecPath === process.execPath && last.hostNode === process.versions.node) return last.node;
  // The host's own runtime, as findNodeRuntime takes it first when nothing is configured.
  if (!configured && !process.versions.electron && isSupportedNode(process.versions.node)) return { path: process.execPath, version: `v${process.versions.node}`, env: {}, source: "host" };
  return undefined;
}

/** Starts the window's waiting pi when a chat is likely; undefined otherwise. */
export function startWaitingPi(context: vscode.ExtensionContext, log: Logger): PiZygote | undefined {
  if (!vscode.workspace.isTrusted || vscode.workspace.getConfiguration("pi").get<boolean>("prewarm") === false) return undefined;
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === "file");
  if (!folder) return undefined;
  if (context.workspaceState.get<boolean>(USED_HERE) !== true && context.globalState.get<boolean>(USED_ON_MACHINE) !== true) return undefined;
  const node = knownNode(context);
  const root = context.extensionUri.fsPath;
  const zygote = defaultZygotePath(root);
  if (!node || !zygote) return undefined;
  try {
    return PiZygote.spawn(node, defaultPiCliPath(root), zygote, folder.uri.fsPath, log);
  } catch (err) {
    log("warn", `could not start a waiting pi: ${String(err)}`);
    return undefined;
  }
}
