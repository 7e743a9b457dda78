// Refusals inside the workspace fence, on top of paths.ts (which only asks "inside or not"):
//   - protected stores: pi's agent dir (API keys, settings such as shellCommandPrefix, sessions),
//     the snapshot/proposal dir and any host store (PI_VSCODE_PROTECTED_PATHS) may lie inside the
//     workspace (a workspace at $HOME is common); no file tool may read, list or change them, and
//     grep may not search a folder that contains one (it would read them too);
//   - hard links: a regular file with more than one link is the same file as another name,
//     maybe outside the workspace (pnpm's store, `cp -al`); writing it changes that file and
//     reading it reads that file. Refused, except reads (read, grep) under a `node_modules`
//     folder, where package managers hard-link installed packages from their store.
// No pi and no vscode imports.
import * as fs from "node:fs";
import * as path from "node:path";
import { isWithin, physicalPath } from "./paths";

export type FileToolKind = "read" | "write" | "list" | "search";

/** What a tool does with its path: read/write one file, list names, or search contents below it. */
export function toolKind(toolName: string): FileToolKind {
  if (toolName === "write" || toolName === "edit") return "write";
  if (toolName === "grep") return "search";
  if (toolName === "ls" || toolName === "find") return "list";
  return "read";
}

function physicalOrLexical(p: string): string {
  try {
    return physicalPath(path.resolve(p));
  } catch {
    return path.resolve(p);
  }
}

export interface ProtectedRoot {
  root: string;
  /** Where it really is (resolved afresh for every tool call: a link may have appeared since). */
  physical: string;
}

export function resolveProtected(protectedPaths: readonly string[]): ProtectedRoot[] {
  return protectedPaths.map((root) => ({ root, physical: physicalOrLexical(root) }));
}

/** The protected root a path falls in (physically or as written), or undefined. */
export function protectedRoot(roots: readonly ProtectedRoot[], resolved: string, expanded: string): string | undefined {
  for (const { root, physical } of roots) {
    if (isWithin(physical, resolved) || isWithin(path.resolve(root), expanded) || isWithin(physical, expanded)) return root;
  }
  return undefined;
}

/** A protected root at or below a search root (grep would read it), or undefined. */
export function protectedBelow(roots: readonly ProtectedRoot[], searchRoot: string): string | undefined {
  return roots.find(({ physical }) => isWithin(searchRoot, physical))?.root;
}

export function protectedReason(input: string, root: string): string {
  return `Blocked: ${input} is inside ${root}, where pi keeps its own configuration, keys and sessions or the extension keeps its data. File tools may not read or change it; only the user can.`;
}

export function protectedSearchReason(input: string, root: string): string {
  return `Blocked: searching ${input} would also read ${root}, where pi keeps its own configuration, keys and sessions or the extension keeps its data. Search a folder that does not contain it.`;
}

/** Why a file with several hard links is refused to this tool, or undefined when it is fine. */
export function hardLinkReason(kind: FileToolKind, input: string, resolved: string, workspace: string): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(resolved);
  } catch {
    return undefined; // missing: a write creates a fresh file; a read fails on its own
  }
  if (!stat.isFile() || stat.nlink <= 1) return undefined;
  if (kind !== "write") {
    const rel = path.relative(workspace, resolved).split(path.sep);
    if (rel.slice(0, -1).includes("node_modules")) return undefined;
  }
  const what = kind === "write" ? "Writing it would change" : "Reading it would read";
  return `Blocked: ${input} is a hard link (the same file has ${stat.nlink} names, which may lie outside the workspace). ${what} that file wherever it is, so file tools refuse files with more than one link.`;
}
