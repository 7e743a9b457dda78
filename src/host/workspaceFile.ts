// Which file a view may open: a tool card's path, resolved the way pi resolved it, through
// every symbolic link (realpath), must land inside the chat's workspace folder. A view is a
// web page: it must not be able to open ~/.ssh/id_rsa in the editor by naming it.
import * as fs from "node:fs/promises";
import { expandLikePi, isWithin } from "../piGuard/paths";

/** The real path of `requested` (relative to `workspace`, or absolute); throws with the reason when refused. */
export async function resolveWorkspaceFile(workspace: string, requested: string): Promise<string> {
  const root = await fs.realpath(workspace);
  let real: string;
  try {
    real = await fs.realpath(expandLikePi(requested, workspace));
  } catch {
    throw new Error(`${requested} does not exist (any more).`);
  }
  if (!isWithin(root, real)) throw new Error(`${requested} is outside the workspace folder ${workspace}: it is not opened.`);
  if (!(await fs.stat(real)).isFile()) throw new Error(`${requested} is not a file.`);
  return real;
}
