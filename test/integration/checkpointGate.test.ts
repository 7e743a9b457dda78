// The message goes to pi while its checkpoint is still being taken (the checkpoint no longer
// delays the model's request), and the guard holds pi's tools until the checkpoint is in: a
// write the model asks for at once still lands after it, so the turn's changes and Rewind see
// the folder as it was before the message. The folder is large so that its first checkpoint
// takes longer than pi's request; the test checks that it did.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Chat } from "../../src/host/chat/chat";
import { startPiFixture, waitForStatus, type PiFixture } from "../support/piFixture";
import { openGuard } from "../support/guardBundle";
import { cards, read, reviewPlan, script, turn, write } from "./reviewFixture";

describe("the checkpoint before a message, taken while pi already has it (real pi, guard, checkpoints)", function () {
  this.timeout(120_000);
  let fx: PiFixture;
  let storesRoot: string;
  let chat: Chat;
  const gateAtRequest: boolean[] = [];

  before(async () => {
    storesRoot = fs.mkdtempSync(path.join(os.tmpdir(), "pi-gate-stores-"));
    let marker = "";
    fx = await startPiFixture(
      {
        plan: (body) => {
          gateAtRequest.push(marker !== "" && fs.existsSync(marker));
          return reviewPlan(body);
        },
      },
      { guard: openGuard, checkpoints: { storesRoot } },
    );
    // Enough files that the folder's first checkpoint takes longer than pi's first request.
    for (let d = 0; d < 40; d++) for (let f = 0; f < 250; f++) write(fx.workspace, `bulk/d${d}/f${f}.txt`, `${d}/${f}\n`);
    write(fx.workspace, "victim.txt", "before\n");
    chat = fx.host.createChat({ cwd: fx.workspace });
    await waitForStatus(chat, "ready", 60_000);
    const dir = chat.snapshots?.dir;
    assert.ok(dir, "the chat has a snapshot folder");
    marker = path.join(dir, "checkpoint-pending");
  });
  after(async () => {
    await fx?.cleanup();
    fs.rmSync(storesRoot, { recursive: true, force: true });
  });

  it("the model's request comes before the checkpoint is done; the write it asks for waits for the checkpoint", async () => {
    await turn(chat, script("overwrite the victim", [{ name: "write", arguments: { path: "victim.txt", content: "after\n" } }]));
    assert.equal(gateAtRequest[0], true, "pi asked the model while the checkpoint was still being taken");
    assert.equal(read(fx.workspace, "victim.txt"), "after\n", "the write ran");
    const card = cards(chat).at(-1);
    assert.ok(card, "the turn has a changes card");
    assert.deepEqual(
      card.files.map((f) => [f.path, f.status]),
      [["victim.txt", "modified"]],
      "the checkpoint before the message has the file as it was: the write came after it",
    );
    assert.equal(fs.existsSync(path.join(chat.snapshots?.dir ?? "", "checkpoint-pending")), false, "the gate is open again");
  });

  it("the next message closes and opens the gate again; its write is its own turn's change", async () => {
    // The second checkpoint is incremental and quick: this shows the gate is per message and
    // leaves pi's tools free once each checkpoint is in.
    await turn(chat, script("and again", [{ name: "write", arguments: { path: "victim.txt", content: "again\n" } }]));
    assert.equal(read(fx.workspace, "victim.txt"), "again\n");
    assert.deepEqual(cards(chat).at(-1)?.files.map((f) => [f.path, f.status]), [["victim.txt", "modified"]]);
  });

  it("the checkpoint's git work waits for the answer's first piece to leave for the view", async () => {
    // On 2 cores the checkpoint's git processes, started with the message, delayed the answer's
    // first words in the view by ~65 ms (bench:start). Before 'AnswerStart' it started at once.
    const sent = performance.now();
    let firstPiece = -1;
    const off = chat.onBatch((batch) => {
      if (firstPiece < 0 && batch.patches.some((p) => p.op === "append")) firstPiece = performance.now() - sent;
    });
    const logged = fx.logs.length;
    try {
      await chat.prompt("a plain answer");
      await waitForStatus(chat, "ready", 30_000);
      await chat.review.idle();
    } finally {
      off();
    }
    const line = fx.logs.slice(logged).find((l) => l.includes("checkpoint before a message"));
    const m = line && /started (\d+) ms after the message, after the answer's first piece/.exec(line);
    assert.ok(m, `the checkpoint started after the first piece: ${line}`);
    assert.ok(firstPiece >= 0, "the answer streamed");
    // The log's clock starts when the message is handed to the review, a moment after \`sent\`.
    assert.ok(Number(m[1]) + 5 >= firstPiece, `started ${m[1]} ms after the message, the first piece was sent at ${firstPiece.toFixed(0)} ms`);
    assert.equal(fs.existsSync(path.join(chat.snapshots?.dir ?? "", "checkpoint-pending")), false, "the gate is open again");
  });
});
