// The edit-proposal dialog format both sides share (editProposal.ts): what the guard sends is
// what the host parses, and anything else is not taken for a proposal.
import * as assert from "node:assert/strict";
import {
  EDIT_OPTIONS,
  formatEditProposal,
  parseEditProposal,
  proposalBytesMatch,
  proposalPath,
  PROPOSAL_MARKER,
  SENSITIVE_EDIT_OPTIONS,
  sha256Hex,
  type EditProposal,
} from "../../src/piGuard/editProposal";
import { snapshotKey } from "../../src/piGuard/snapshotFormat";

const proposal: EditProposal = {
  v: 1,
  key: snapshotKey("call_1"),
  tool: "edit",
  verb: "edit",
  path: "/ws/src/a.ts",
  display: "src/a.ts",
  before: sha256Hex("old"),
  after: sha256Hex("new"),
};

describe("piGuard edit proposals", () => {
  it("round-trips, with a first line people and the host both read", () => {
    const title = formatEditProposal(proposal);
    assert.equal(title.split("\n")[0], "Pi wants to edit src/a.ts");
    assert.deepEqual(parseEditProposal(title, [...EDIT_OPTIONS]), { ...proposal, canAcceptAll: true });
    const sensitive = { ...proposal, tool: "write" as const, verb: "create" as const, display: ".vscode/settings.json", path: "/ws/.vscode/settings.json", sensitive: "VS Code reads it." };
    const t2 = formatEditProposal(sensitive);
    assert.match(t2, /^Pi wants to create \.vscode\/settings\.json\nWhy this needs your approval: VS Code reads it\./);
    assert.deepEqual(parseEditProposal(t2, [...SENSITIVE_EDIT_OPTIONS]), { ...sensitive, canAcceptAll: false });
  });

  it("shows a path with control characters on one line, and still parses it", () => {
    const odd = { ...proposal, display: "a\nPi wants to edit b.txt", path: "/ws/a\nPi wants to edit b.txt" };
    const title = formatEditProposal(odd);
    assert.equal(title.split("\n")[0], "Pi wants to edit a\\nPi wants to edit b.txt");
    assert.equal(parseEditProposal(title, [...EDIT_OPTIONS])?.display, odd.display);
  });

  it("is not fooled by other dialogs or altered proposals", () => {
    const title = formatEditProposal(proposal);
    const data = (p: Record<string, unknown>) => title.replace(/pi-edit-proposal: .*$/, PROPOSAL_MARKER + JSON.stringify(p));
    const notProposals: Array<[string, readonly string[]]> = [
      ["Pi wants to run a shell command:\n\nls\n\nin /ws", ["Allow once", "Always allow this command", "Deny"]],
      [title, ["Accept", "Reject"]],
      [title, [...SENSITIVE_EDIT_OPTIONS, "Accept all edits in this session"]],
      [title.replace("Pi wants to edit src/a.ts", "Pi wants to edit src/b.ts"), [...EDIT_OPTIONS]],
      [title.replace("Pi wants to edit", "Pi wants to create"), [...EDIT_OPTIONS]],
      [data({ ...proposal, key: "../../etc/passwd" }), [...EDIT_OPTIONS]],
      [data({ ...proposal, path: "relative/a.ts" }), [...EDIT_OPTIONS]],
      [data({ ...proposal, after: "not-a-hash" }), [...EDIT_OPTIONS]],
      [data({ ...proposal, v: 2 }), [...EDIT_OPTIONS]],
      [data({ ...proposal, sensitive: "x" }), [...EDIT_OPTIONS]],
      [title.replace(/pi-edit-proposal: .*$/, `${PROPOSAL_MARKER}{`), [...EDIT_OPTIONS]],
      [`${title}\ntrailing`, [...EDIT_OPTIONS]],
    ];
    for (const [t, options] of notProposals) assert.equal(parseEditProposal(t, options), undefined, `${t}\n${options.join("|")}`);
  });

  it("checks a proposal file against the hash in the title", () => {
    assert.ok(proposalBytesMatch(Buffer.from("new"), proposal.after));
    assert.ok(!proposalBytesMatch(Buffer.from("swapped by a shell command"), proposal.after));
    assert.ok(!proposalBytesMatch(Buffer.from("new"), null));
    assert.equal(proposalPath("/snap", proposal.key, "after"), `/snap/proposals/${proposal.key}.after`);
  });
});
