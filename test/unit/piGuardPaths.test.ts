// The guard's pure path logic against real temp directories (symbolic links included).
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expandLikePi, isWithin, physicalPath, readPathVariants, resolveInside, resolveReadInside } from "../../src/piGuard/paths";

describe("piGuard paths", () => {
  let root: string;
  let ws: string;
  let outside: string;
  let home: string;

  before(() => {
    // realpath: on macOS the temp dir itself sits behind a link (/var -> /private/var).
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "pi-guard-unit-")));
    ws = path.join(root, "ws");
    outside = path.join(root, "outside");
    home = path.join(root, "home");
    for (const d of [ws, outside, home, path.join(root, "ws-other"), path.join(ws, "sub", "deep")]) fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(ws, "inside.txt"), "in");
    fs.writeFileSync(path.join(outside, "secret.txt"), "secret");
    fs.writeFileSync(path.join(home, ".secret"), "home secret");
    fs.symlinkSync(path.join(outside, "secret.txt"), path.join(ws, "link-file"));
    fs.symlinkSync(outside, path.join(ws, "link-dir"));
    fs.symlinkSync("../outside", path.join(ws, "link-rel"));
    fs.symlinkSync(path.join(ws, "inside.txt"), path.join(ws, "link-internal"));
    fs.symlinkSync("sub/deep", path.join(ws, "link-internal-dir"));
    fs.symlinkSync(path.join(outside, "not-yet.txt"), path.join(ws, "dangling"));
    fs.symlinkSync("loop-b", path.join(ws, "loop-a"));
    fs.symlinkSync("loop-a", path.join(ws, "loop-b"));
    // A link that leaves through another link and climbs back in: ws/link-dir/.. is root, not ws.
    fs.symlinkSync("../link-dir/../ws", path.join(ws, "sub", "climb"));
    fs.symlinkSync(path.join(ws, "sub", "deep"), path.join(ws, "sub", "to-deep"));
    fs.symlinkSync("../../..", path.join(ws, "sub", "deep", "up3"));
    // A link to the workspace from outside: the workspace path given through it.
    fs.symlinkSync(ws, path.join(root, "ws-alias"));
  });

  after(() => fs.rmSync(root, { recursive: true, force: true }));

  const check = (input: string, base?: string) => resolveInside(ws, input, { base, home });
  const inside = (input: string, base?: string) => {
    const v = check(input, base);
    assert.equal(v.inside, true, `${input} should be inside (got ${v.resolved}${v.inside ? "" : `: ${v.reason}`})`);
    return v.resolved;
  };
  const outsideOf = (input: string, base?: string) => {
    const v = check(input, base);
    assert.equal(v.inside, false, `${input} should be outside (resolved to ${v.resolved})`);
    if (!v.inside) assert.match(v.reason, /outside the workspace/);
    return v;
  };

  describe("allowed", () => {
    it("plain relative, nested and the workspace itself", () => {
      assert.equal(inside("inside.txt"), path.join(ws, "inside.txt"));
      assert.equal(inside("sub/deep/x"), path.join(ws, "sub", "deep", "x"));
      assert.equal(inside("."), ws);
      assert.equal(inside(""), ws);
      assert.equal(inside(ws), ws);
      assert.equal(inside(`${ws}/`), ws);
    });
    it("non-existing paths inside (a write would create them)", () => {
      assert.equal(inside("new/dir/file.txt"), path.join(ws, "new", "dir", "file.txt"));
      assert.equal(inside("inside.txt/under-a-file"), path.join(ws, "inside.txt", "under-a-file"));
    });
    it("`..` that re-enters the workspace", () => {
      assert.equal(inside("../ws/inside.txt"), path.join(ws, "inside.txt"));
      assert.equal(inside("sub/../inside.txt"), path.join(ws, "inside.txt"));
      assert.equal(inside("sub/deep/../../inside.txt"), path.join(ws, "inside.txt"));
    });
    it("absolute paths inside, with `/./` and `//`", () => {
      assert.equal(inside(path.join(ws, "inside.txt")), path.join(ws, "inside.txt"));
      assert.equal(inside(`${ws}/./sub//deep/`), path.join(ws, "sub", "deep"));
    });
    it("`@` prefix (pi strips one)", () => {
      assert.equal(inside("@inside.txt"), path.join(ws, "inside.txt"));
      assert.equal(inside(`@${ws}/inside.txt`), path.join(ws, "inside.txt"));
      // Only one `@` is stripped: "@@x" is the entry "@x".
      assert.equal(inside("@@/etc/passwd"), path.join(ws, "@", "etc", "passwd"));
    });
    it("symbolic links that stay inside", () => {
      assert.equal(inside("link-internal"), path.join(ws, "inside.txt"));
      assert.equal(inside("link-internal-dir/new.txt"), path.join(ws, "sub", "deep", "new.txt"));
      assert.equal(inside("sub/climb/inside.txt"), path.join(ws, "inside.txt"));
    });
    it("`~user` is not expanded by pi: it is a relative name", () => {
      assert.equal(inside("~root/x"), path.join(ws, "~root", "x"));
    });
    it("relative to a base directory inside the workspace", () => {
      assert.equal(inside("../inside.txt", path.join(ws, "sub")), path.join(ws, "inside.txt"));
    });
    it("the workspace given through a symbolic link", () => {
      const v = resolveInside(path.join(root, "ws-alias"), path.join(root, "ws-alias", "inside.txt"), { home });
      assert.equal(v.inside, true);
      assert.equal(v.workspace, ws);
      assert.equal(resolveInside(path.join(root, "ws-alias"), path.join(ws, "inside.txt"), { home }).inside, true);
    });
  });

  describe("blocked", () => {
    it("absolute paths outside", () => {
      const v = outsideOf("/etc/passwd");
      assert.ok(!v.inside && v.reason.startsWith(`Blocked: /etc/passwd resolves outside the workspace ${ws}`));
      outsideOf("/");
      outsideOf(path.join(outside, "secret.txt"));
    });
    it("`..` out of the workspace", () => {
      outsideOf("..");
      outsideOf("../outside/secret.txt");
      outsideOf("sub/../../outside/secret.txt");
      outsideOf("../../../../../../../../etc/passwd");
      outsideOf("../", path.join(ws, "sub", "..", ".."));
    });
    it("`/./` and `//` tricks", () => {
      outsideOf(`${ws}/./../outside/secret.txt`);
      outsideOf(`/${ws}//..//outside//secret.txt`);
      outsideOf("//etc//passwd");
      outsideOf("/./etc/./passwd");
    });
    it("trailing slash", () => {
      outsideOf(`${outside}/`);
      outsideOf("../outside/");
      outsideOf("link-dir/");
    });
    it("`~` and `~/`", () => {
      const v = outsideOf("~/.secret");
      assert.equal(v.resolved, path.join(home, ".secret"));
      outsideOf("~");
      outsideOf("@~/.secret");
    });
    it("`@` before an outside path", () => {
      outsideOf("@/etc/hosts");
      outsideOf("@../outside/secret.txt");
    });
    it("file:// URLs (pi opens them)", () => {
      outsideOf(`file://${outside}/secret.txt`);
    });
    it("prefix siblings: /ws-other is not inside /ws", () => {
      outsideOf(`${ws}-other`);
      outsideOf(`${ws}-other/secret.txt`);
      outsideOf("../ws-other/secret.txt");
      assert.equal(isWithin("/ws", "/ws-other"), false);
      assert.equal(isWithin("/ws", "/ws/a"), true);
      assert.equal(isWithin("/ws", "/ws"), true);
      assert.equal(isWithin("/", "/anything"), true);
    });
    it("symbolic links to an outside file and directory", () => {
      assert.equal(outsideOf("link-file").resolved, path.join(outside, "secret.txt"));
      assert.equal(outsideOf("link-dir/secret.txt").resolved, path.join(outside, "secret.txt"));
      outsideOf("link-dir");
      outsideOf("link-rel/secret.txt");
      outsideOf("link-dir/new-file.txt");
      outsideOf("link-dir/new/dir/file.txt");
    });
    it("a dangling link is judged by its (missing) target", () => {
      assert.equal(outsideOf("dangling").resolved, path.join(outside, "not-yet.txt"));
    });
    it("a link whose target climbs physically", () => {
      // sub/to-deep/up3 -> ws/sub/deep/../../.. = root (lexically it would look inside ws).
      outsideOf("sub/to-deep/up3/outside/secret.txt");
      outsideOf("sub/deep/up3");
    });
    it("a symbolic link loop cannot be proven inside", () => {
      const v = outsideOf("loop-a");
      assert.ok(!v.inside && /loop/.test(v.reason));
      outsideOf("loop-b/x");
    });
    it("a base directory outside the workspace", () => {
      outsideOf(".", outside);
      outsideOf("x.txt", outside);
    });
  });

  describe("helpers", () => {
    it("expandLikePi mirrors pi's reading", () => {
      assert.equal(expandLikePi("\u00A0a", "/b", "/h"), "/b/ a");
      assert.equal(expandLikePi("~", "/b", "/h"), "/h");
      assert.equal(expandLikePi("~/x/../y", "/b", "/h"), "/h/y");
      assert.equal(expandLikePi("file:///etc/hosts", "/b", "/h"), "/etc/hosts");
    });
    it("physicalPath agrees with the kernel's realpath on existing paths", () => {
      for (const rel of ["inside.txt", "link-file", "link-dir", "link-rel/secret.txt", "link-internal", "link-internal-dir", "sub/climb/inside.txt", "sub/to-deep/up3", "sub/deep/up3/outside"]) {
        const p = path.join(ws, rel);
        assert.equal(physicalPath(p), fs.realpathSync.native(p), rel);
      }
    });
    it("physicalPath follows links and keeps missing tails", () => {
      assert.equal(physicalPath(path.join(ws, "link-dir", "a", "b")), path.join(outside, "a", "b"));
      assert.equal(physicalPath(path.join(ws, "missing", "x")), path.join(ws, "missing", "x"));
    });
    it("read: a look-alike name pi would fall back to is checked too", () => {
      // pi's read tries the curly apostrophe when "it's" is missing: a link named it’s leads out.
      fs.symlinkSync(outside, path.join(ws, "it\u2019s"));
      assert.ok(readPathVariants(path.join(ws, "it's")).includes(path.join(ws, "it\u2019s")));
      assert.equal(resolveInside(ws, "it's/secret.txt", { home }).inside, true, "the literal name is inside");
      const v = resolveReadInside(ws, "it's/secret.txt", { home });
      assert.equal(v.inside, false);
      assert.ok(!v.inside && /outside the workspace/.test(v.reason));
      assert.equal(resolveReadInside(ws, "inside.txt", { home }).inside, true);
    });
  });
});
