// The guard's configuration, read from the environment the host sets for pi. Pure: no pi, no vscode.
//
//   PI_VSCODE_WORKSPACE        the workspace root (default: pi's cwd)
//   PI_VSCODE_BASH_POLICY      "ask" (default) | "allowList" | "never-ask"     (policy.ts)
//   PI_VSCODE_BASH_ALLOW       JSON array of command patterns for "allowList"  (policy.ts)
//   PI_VSCODE_EDIT_APPROVAL    "auto" (default) | "ask": show each write/edit as a proposal first
//   PI_VSCODE_PROTECTED_PATHS  JSON array of absolute paths no file tool may touch (the host's
//                              stores). pi's agent dir and PI_VSCODE_SNAPSHOT_DIR are always added.
//   PI_VSCODE_CHECKPOINT_GATE  a marker file: while it exists, tools wait (checkpointGate.ts)
import * as os from "node:os";
import * as path from "node:path";

export type BashPolicy = "ask" | "allowList" | "never-ask";
export type EditApproval = "auto" | "ask";

export interface GuardConfig {
  workspace: string;
  policy: BashPolicy;
  allow: string[];
  editApproval: EditApproval;
  /** Absolute paths refused to every file tool, read included (agent dir, snapshot dir, host stores). */
  protectedPaths: string[];
  /** Where the guard leaves edit proposals and snapshots (PI_VSCODE_SNAPSHOT_DIR), if set. */
  snapshotDir?: string;
  /** While this file exists the host is taking the checkpoint before a message: tools wait. */
  checkpointGate?: string;
  /** Problems found while reading the environment (shown to the user once). */
  warnings: string[];
}

const POLICIES: readonly BashPolicy[] = ["ask", "allowList", "never-ask"];
const EDIT_APPROVALS: readonly EditApproval[] = ["auto", "ask"];

/** pi's agent directory as pi itself finds it (config.js getAgentDir): PI_CODING_AGENT_DIR, else ~/.pi/agent. */
export function piAgentDir(env: NodeJS.ProcessEnv, home: string = os.homedir()): string {
  const raw = env.PI_CODING_AGENT_DIR;
  if (!raw) return path.join(home, ".pi", "agent");
  if (raw === "~") return home;
  return path.resolve(raw.startsWith("~/") ? path.join(home, raw.slice(2)) : raw);
}

function stringArray(raw: string | undefined, name: string, warnings: string[], consequence: string): string[] {
  if (!raw?.trim()) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    if (Array.isArray(parsed) && parsed.every((p): p is string => typeof p === "string")) return parsed.filter((p) => p.trim().length > 0);
    warnings.push(`${name} is not a JSON array of strings; ${consequence}`);
  } catch {
    warnings.push(`${name} is not valid JSON; ${consequence}`);
  }
  return [];
}

export function readConfig(env: NodeJS.ProcessEnv, cwd: string, home: string = os.homedir()): GuardConfig {
  const warnings: string[] = [];
  const workspace = env.PI_VSCODE_WORKSPACE?.trim() || cwd;
  let policy: BashPolicy = "ask";
  const rawPolicy = env.PI_VSCODE_BASH_POLICY?.trim();
  if (rawPolicy) {
    if ((POLICIES as readonly string[]).includes(rawPolicy)) policy = rawPolicy as BashPolicy;
    else warnings.push(`Unknown PI_VSCODE_BASH_POLICY "${rawPolicy}"; asking before every command.`);
  }
  const allow = stringArray(env.PI_VSCODE_BASH_ALLOW, "PI_VSCODE_BASH_ALLOW", warnings, "no command is pre-approved.");
  let editApproval: EditApproval = "auto";
  const rawEdit = env.PI_VSCODE_EDIT_APPROVAL?.trim();
  if (rawEdit) {
    if ((EDIT_APPROVALS as readonly string[]).includes(rawEdit)) editApproval = rawEdit as EditApproval;
    else {
      // Unknown means the user wanted something other than the default: the safer reading.
      editApproval = "ask";
      warnings.push(`Unknown PI_VSCODE_EDIT_APPROVAL "${rawEdit}"; asking before every edit.`);
    }
  }
  const snapshotDir = env.PI_VSCODE_SNAPSHOT_DIR?.trim() || undefined;
  const listed = stringArray(env.PI_VSCODE_PROTECTED_PATHS, "PI_VSCODE_PROTECTED_PATHS", warnings, "only pi's agent directory and the snapshot directory are protected.");
  const protectedPaths = [...new Set([piAgentDir(env, home), ...(snapshotDir ? [snapshotDir] : []), ...listed.filter((p) => path.isAbsolute(p))].map((p) => path.resolve(p)))];
  const gate = env.PI_VSCODE_CHECKPOINT_GATE?.trim();
  const checkpointGate = gate && path.isAbsolute(gate) ? gate : undefined;
  return { workspace, policy, allow, editApproval, protectedPaths, snapshotDir, checkpointGate, warnings };
}
