// A long pi session resumed through the real pi: the snapshot carries only its latest items
// (within the page budget), and paging back with olderItems yields every item exactly once,
// in order, down to the first message of the file.
import * as assert from "node:assert/strict";
import type { ChatItem } from "../../src/protocol/transcript";
import { PAGE_BYTES, PAGE_ITEMS } from "../../src/protocol/transcriptPages";
import { type PiFixture, startPiFixture, waitForStatus } from "../support/piFixture";
import { writeSessionFile } from "../support/piSessionFile";

const MESSAGES = 3_000;

describe("a long pi session, paged", function () {
  this.timeout(120_000);
  let fx: PiFixture;
  before(async () => {
    fx = await startPiFixture();
  });
  after(async () => {
    await fx?.cleanup();
  });

  it("opens with its latest items and pages back to the first", async () => {
    const chat = fx.host.createChat({ cwd: fx.workspace, sessionFile: writeSessionFile(fx.agentDir, fx.workspace, MESSAGES) });
    await waitForStatus(chat, "ready", 90_000);
    const snapshot = chat.snapshot();
    assert.ok(snapshot.items.length <= PAGE_ITEMS, `${snapshot.items.length} items in the snapshot`);
    assert.ok(JSON.stringify(snapshot.items).length <= PAGE_BYTES + 64 * 1024, "within the byte budget");
    assert.ok((snapshot.older ?? 0) > 0, "the rest is left for paging");
    let held: ChatItem[] = snapshot.items;
    let older = snapshot.older ?? 0;
    while (older > 0) {
      const page = chat.olderItems(held[0].id);
      assert.ok(page, `a page before ${held[0].id}`);
      assert.ok(page.items.length > 0 && page.items.length <= PAGE_ITEMS);
      assert.equal(page.older + page.items.length, older);
      assert.equal(page.seq, snapshot.seq, "nothing happened meanwhile");
      held = [...page.items, ...held];
      older = page.older;
    }
    // Four messages per step (user, assistant + bash call, its result, answer): user, assistant, tool, assistant.
    assert.equal(held.length, MESSAGES);
    assert.equal(new Set(held.map((i) => i.id)).size, held.length, "every item once");
    assert.ok(held[0].kind === "user" && held[0].text.startsWith("Step 0:"), "down to the first message");
    assert.deepEqual(held.slice(0, 4).map((i) => i.kind), ["user", "assistant", "tool", "assistant"]);
    assert.equal(chat.olderItems("no-such-item"), undefined);
  });
});
