// The guard's decisions on pi's events, separate from the extension entry (guard.ts) so the
// entry has a single default export (what pi's loader wants) and tests can drive the rules.
import * as path from "node:path";
import type { ExtensionContext, ToolCallEvent, ToolCallEventResult, UserBashEvent, UserBashEventResult } from "@earendil-works/pi-coding-agent";
import type { GuardConfig } from "./config";
import { gateEdit } from "./editGate";
import { hardLinkReason, protectedBelow, protectedReason, protectedRoot, protectedSearchReason, resolveProtected, toolKind } from "./fileChecks";
import { expandLikePi, isWithin, physicalPath, physicalWorkspace, readPathVariants, resolveInside, resolveReadInside, type PathVerdict } from "./paths";
import { ALLOW_ONCE, ALWAYS_ALLOW, APPROVAL_OPTIONS, approvalTitle, decide, normalizeCommand } from "./policy";
import { classifyPath, type Sensitivity } from "./sensitivePaths";

/** pi's file tools and the arguments that name a path (pi 0.87.1 schemas: all use `path`). */
const FILE_TOOLS = new Set(["read", "write", "edit", "ls", "grep", "find"]);
/** Path-like argument names, checked whatever the tool: today's `path` plus likely aliases. */
const PATH_KEYS = ["path", "file_path", "filePath", "paths", "cwd", "dir", "directory"] as const;
const SHELL_TOOLS = new Set(["bash", "powershell"]);

type Approval = "allow" | "deny";

export function deniedReason(command: string): string {
  return `The user denied running: ${command}`;
}

/** Every path-like value in a tool's input; a value that is neither a string nor a list of strings is refused. */
function pathArguments(input: Record<string, unknown>): { values: string[]; invalid?: string } {
  const values: string[] = [];
  for (const key of PATH_KEYS) {
    const value = input[key];
    if (value === undefined || value === null) continue;
    if (typeof value === "string") values.push(value);
    else if (Array.isArray(value) && value.every((v): v is string => typeof v === "string")) values.push(...value);
    else return { values, invalid: key };
  }
  return { values };
}

/** The physical paths a read may open: the path and every existing look-alike pi falls back to. */
function readCandidates(verdict: PathVerdict & { inside: true }, value: string, cwd: string): string[] {
  const all = [verdict.resolved];
  for (const variant of readPathVariants(expandLikePi(value, cwd)).slice(1)) {
    try {
      all.push(physicalPath(variant));
    } catch {
      // unresolvable: pi cannot open it either
    }
  }
  return [...new Set(all)];
}

/** The fence: inside the workspace, outside pi's and the extension's stores, no hard links. */
export function checkFileTool(config: GuardConfig, toolName: string, input: Record<string, unknown>, cwd: string): ToolCallEventResult | undefined {
  const { values, invalid } = pathArguments(input);
  if (invalid) return { block: true, reason: `Blocked: the ${invalid} argument is not a path string, so it cannot be checked against the workspace ${config.workspace}; it is treated as outside the workspace.` };
  // ls/grep/find without a path use pi's cwd, which is checked like any other path.
  if (values.length === 0) values.push(".");
  const kind = toolKind(toolName);
  const roots = resolveProtected(config.protectedPaths);
  for (const value of values) {
    const verdict: PathVerdict = toolName === "read" ? resolveReadInside(config.workspace, value, { base: cwd }) : resolveInside(config.workspace, value, { base: cwd });
    if (!verdict.inside) return { block: true, reason: verdict.reason };
    const expanded = expandLikePi(value, cwd);
    const candidates = toolName === "read" ? readCandidates(verdict, value, cwd) : [verdict.resolved];
    for (const candidate of candidates) {
      const root = protectedRoot(roots, candidate, expanded);
      if (root) return { block: true, reason: protectedReason(value, root) };
      const linked = hardLinkReason(kind, value, candidate, verdict.workspace);
      if (linked) return { block: true, reason: linked };
    }
    const below = kind === "search" ? protectedBelow(roots, verdict.resolved) : undefined;
    if (below) return { block: true, reason: protectedSearchReason(value, below) };
  }
  return undefined;
}

/** Workspace-relative directories on pi's PATH: files there are commands. */
export function workspacePathDirs(workspace: string, envPath: string | undefined, cwd: string): string[] {
  const ws = physicalWorkspace(workspace);
  const dirs: string[] = [];
  for (const entry of (envPath ?? "").split(path.delimiter)) {
    // An empty entry means the current directory, as "." does.
    let physical: string;
    try {
      physical = physicalPath(path.resolve(cwd, entry || "."));
    } catch {
      continue;
    }
    if (isWithin(ws, physical)) dirs.push(path.relative(ws, physical));
  }
  return dirs;
}

/** The stronger of the sensitivities of the file's real place and the name pi was given. */
function sensitivityOf(workspace: string, resolved: string, expanded: string, pathDirs: readonly string[]): Sensitivity | undefined {
  const found: Sensitivity[] = [];
  for (const [root, p] of [[physicalWorkspace(workspace), resolved], [path.resolve(workspace), expanded]] as const) {
    if (!isWithin(root, p)) continue;
    const s = classifyPath(path.relative(root, p), pathDirs);
    if (s) found.push(s);
  }
  return found.find((s) => s.tier === "autorun") ?? found[0];
}

export function createGuard(config: GuardConfig, options: { pathDirs?: string[] } = {}) {
  const remembered = new Set<string>();
  const pathDirs = options.pathDirs ?? [];
  let acceptAllEdits = false;

  /** Some command would run without a dialog: then files that decide what commands do are guarded too. */
  const preApproved = () => (config.policy === "allowList" && config.allow.length > 0) || remembered.size > 0;

  function needsApproval(s: Sensitivity | undefined): boolean {
    if (!s || config.policy === "never-ask") return false;
    return s.tier === "autorun" || preApproved();
  }

  async function approve(command: string, cwd: string, ctx: ExtensionContext, source: "agent" | "user"): Promise<Approval> {
    if (decide(config, remembered, command) === "allow") return "allow";
    if (!ctx.hasUI) return "deny";
    let answer: string | undefined;
    try {
      answer = await ctx.ui.select(approvalTitle(command, cwd, source), [...APPROVAL_OPTIONS]);
    } catch {
      return "deny";
    }
    if (answer === ALWAYS_ALLOW) {
      remembered.add(normalizeCommand(command));
      return "allow";
    }
    return answer === ALLOW_ONCE ? "allow" : "deny";
  }

  async function onWrite(event: ToolCallEvent, ctx: ExtensionContext): Promise<ToolCallEventResult | undefined> {
    const input = event.input as Record<string, unknown>;
    if (typeof input.path !== "string") return undefined; // pi's schema refuses it
    const verdict = resolveInside(config.workspace, input.path, { base: ctx.cwd });
    if (!verdict.inside) return { block: true, reason: verdict.reason }; // checked already; kept for safety
    const sensitivity = sensitivityOf(config.workspace, verdict.resolved, expandLikePi(input.path, ctx.cwd), pathDirs);
    const sensitive = needsApproval(sensitivity) ? sensitivity : undefined;
    if (!sensitive && (config.editApproval !== "ask" || acceptAllEdits)) return undefined;
    const decision = await gateEdit(
      {
        toolName: event.toolName === "edit" ? "edit" : "write",
        toolCallId: event.toolCallId,
        input,
        target: verdict.resolved,
        display: path.relative(verdict.workspace, verdict.resolved) || ".",
        sensitive: sensitive?.why,
        snapshotDir: config.snapshotDir,
      },
      ctx,
    );
    if (!decision.accepted) return decision.result;
    if (decision.acceptAll) acceptAllEdits = true;
    // A changed build or configuration file changes what a remembered command does: ask again.
    if (sensitive) remembered.clear();
    return undefined;
  }

  async function onToolCall(event: ToolCallEvent, ctx: ExtensionContext): Promise<ToolCallEventResult | undefined> {
    const input = event.input as Record<string, unknown>;
    if (FILE_TOOLS.has(event.toolName)) {
      const refused = checkFileTool(config, event.toolName, input, ctx.cwd);
      if (refused || toolKind(event.toolName) !== "write") return refused;
      return onWrite(event, ctx);
    }
    if (SHELL_TOOLS.has(event.toolName)) {
      const command = typeof input.command === "string" ? input.command : "";
      if ((await approve(command, ctx.cwd, ctx, "agent")) === "allow") return undefined;
      return { block: true, reason: deniedReason(command) };
    }
    return undefined;
  }

  async function onUserBash(event: UserBashEvent, ctx: ExtensionContext): Promise<UserBashEventResult | undefined> {
    if ((await approve(event.command, event.cwd, ctx, "user")) === "allow") return undefined; // pi runs it
    return { result: { output: deniedReason(event.command), exitCode: undefined, cancelled: true, truncated: false } };
  }

  return { onToolCall, onUserBash, remembered };
}
