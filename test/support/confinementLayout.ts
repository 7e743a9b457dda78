// The confinement test's file layout: a workspace next to outside files it must never reach,
// with every kind of link into them (symbolic, dangling, looping, look-alike, hard).
import * as fs from "node:fs";
import * as path from "node:path";

export const SECRET = "OUTSIDE-SECRET-7f3a";
export const EDIT_ORIGINAL = "EDIT-ME-ORIGINAL-2b8e\n";
export const SIBLING_SECRET = "SIBLING-SECRET-91c2";
export const HOME_SECRET = "HOME-SECRET-55d1";
export const INSIDE = "INSIDE-CONTENT-c4d0";
export const HARDLINK_SECRET = "HARDLINK-SECRET-e61b";
export const HARDLINK_EDIT = "HARDLINK-EDIT-ORIGINAL-3f07\n";
export const STORE_PACKAGE = "module.exports = 'STORE-PACKAGE-a9d4';\n";

export interface Layout {
  root: string;
  ws: string;
  outside: string;
  sibling: string;
  home: string;
}

export function makeLayout(workspace: string): Layout {
  const root = path.dirname(workspace);
  const l: Layout = { root, ws: workspace, outside: path.join(root, "outside"), sibling: `${workspace}-other`, home: path.join(root, "home") };
  for (const d of [l.outside, l.sibling, l.home, path.join(l.ws, "sub")]) fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(l.ws, "inside.txt"), `${INSIDE}\n`);
  fs.writeFileSync(path.join(l.ws, "edit-inside.txt"), "before edit\n");
  fs.writeFileSync(path.join(l.outside, "secret.txt"), `${SECRET}\n`);
  fs.writeFileSync(path.join(l.outside, "edit-me.txt"), EDIT_ORIGINAL);
  fs.writeFileSync(path.join(l.sibling, "secret.txt"), `${SIBLING_SECRET}\n`);
  fs.writeFileSync(path.join(l.home, ".home-secret"), `${HOME_SECRET}\n`);
  fs.symlinkSync(path.join(l.outside, "secret.txt"), path.join(l.ws, "link-file"));
  fs.symlinkSync(l.outside, path.join(l.ws, "link-dir"));
  fs.symlinkSync(path.join(l.outside, "edit-me.txt"), path.join(l.ws, "link-edit"));
  fs.symlinkSync(path.join(l.outside, "dangling-target.txt"), path.join(l.ws, "dangling"));
  fs.symlinkSync("loop-b", path.join(l.ws, "loop-a"));
  fs.symlinkSync("loop-a", path.join(l.ws, "loop-b"));
  fs.symlinkSync(l.outside, path.join(l.ws, "it\u2019s")); // pi's read falls back to this for "it's"
  fs.symlinkSync(path.join(l.ws, "inside.txt"), path.join(l.ws, "link-internal"));
  // Hard links: the same file under a name inside the workspace (issue 11 item 4).
  fs.writeFileSync(path.join(l.outside, "hl-secret.txt"), `${HARDLINK_SECRET}\n`);
  fs.linkSync(path.join(l.outside, "hl-secret.txt"), path.join(l.ws, "hl-link.txt"));
  fs.writeFileSync(path.join(l.outside, "hl-edit.txt"), HARDLINK_EDIT);
  fs.linkSync(path.join(l.outside, "hl-edit.txt"), path.join(l.ws, "hl-edit-link.txt"));
  // What pnpm does on Linux: node_modules files hard-linked from its store (reads are allowed there).
  fs.mkdirSync(path.join(l.outside, "store"));
  fs.writeFileSync(path.join(l.outside, "store", "index.js"), STORE_PACKAGE);
  fs.mkdirSync(path.join(l.ws, "node_modules", "pkg"), { recursive: true });
  fs.linkSync(path.join(l.outside, "store", "index.js"), path.join(l.ws, "node_modules", "pkg", "index.js"));
  return l;
}
