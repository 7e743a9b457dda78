// The guard's decisions on pi's events, separate from the extension entry (guard.ts) so the
// entry has a single default export (what pi's loader wants) and tests can drive the rules.
import type { ExtensionContext, ToolCallEvent, ToolCallEventResult, UserBashEvent, UserBashEventResult } from "@earendil-works/pi-coding-agent";
import type { GuardConfig } from "./config";
import { hardLinkReason, protectedBelow, protectedReason, protectedRoot, protectedSearchReason, toolKind } from "./fileChecks";
import { expandLikePi, physicalPath, readPathVariants, resolveInside, resolveReadInside, type PathVerdict } from "./paths";
import { ALLOW_ONCE, ALWAYS_ALLOW, APPROVAL_OPTIONS, approvalTitle, decide, normalizeCommand } from "./policy";

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
  for (const value of values) {
    const verdict: PathVerdict = toolName === "read" ? resolveReadInside(config.workspace, value, { base: cwd }) : resolveInside(config.workspace, value, { base: cwd });
    if (!verdict.inside) return { block: true, reason: verdict.reason };
    const expanded = expandLikePi(value, cwd);
    const candidates = toolName === "read" ? readCandidates(verdict, value, cwd) : [verdict.resolved];
    for (const candidate of candidates) {
      const root = protectedRoot(config.protectedPaths, candidate, expanded);
      if (root) return { block: true, reason: protectedReason(value, root) };
      const linked = hardLinkReason(kind, value, candidate, verdict.workspace);
      if (linked) return { block: true, reason: linked };
    }
    const below = kind === "search" ? protectedBelow(config.protectedPaths, verdict.resolved) : undefined;
    if (below) return { block: true, reason: protectedSearchReason(value, below) };
  }
  return undefined;
}

export function createGuard(config: GuardConfig) {
  const remembered = new Set<string>();

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

  async function onToolCall(event: ToolCallEvent, ctx: ExtensionContext): Promise<ToolCallEventResult | undefined> {
    const input = event.input as Record<string, unknown>;
    if (FILE_TOOLS.has(event.toolName)) return checkFileTool(config, event.toolName, input, ctx.cwd);
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
