// The checkpoint gate's two sides: the host's marker (FolderGate, counted: the last open removes
// it) and the guard's wait (over when the marker goes; a marker that stays refuses the tool).
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FolderGate } from "../../src/host/chat/folderGate";
import { waitForGate } from "../../src/piGuard/checkpointGate";

describe("checkpoint gate", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "pi-gate-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("the marker lives from the first close to the last open; the guard's wait ends with it", async () => {
    const marker = path.join(dir, "checkpoint-pending");
    const gate = new FolderGate(marker);
    assert.equal(await waitForGate(marker, 10), true, "an open gate does not wait");
    assert.equal(gate.close(), true);
    assert.equal(gate.close(), true);
    assert.ok(fs.existsSync(marker));
    const waited = waitForGate(marker, 5_000);
    gate.open();
    await new Promise((r) => setTimeout(r, 30));
    assert.ok(fs.existsSync(marker), "one close is still held");
    gate.open();
    assert.equal(await waited, true);
    assert.equal(fs.existsSync(marker), false);
    gate.open();
    assert.equal(fs.existsSync(marker), false, "an extra open changes nothing");
  });

  it("a marker that stays refuses after the wait; a gate that cannot write its marker says so", async () => {
    const marker = path.join(dir, "stuck");
    fs.writeFileSync(marker, "");
    assert.equal(await waitForGate(marker, 50), false);
    assert.equal(new FolderGate(path.join(dir, "missing", "marker")).close(), false, "then the message waits for its checkpoint");
  });
});
