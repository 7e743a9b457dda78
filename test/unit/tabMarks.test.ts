// A chat tab's title mark (src/vscode/tabMarks.ts): "? " at once while pi waits for you, "⟳ "
// only once a run has gone on for a moment, and none once it ends.
import * as assert from "node:assert/strict";
import type { Chat } from "../../src/host/chat/chat";
import type { ChatState } from "../../src/vscode/chatAttention";
import { TabMarks } from "../../src/vscode/tabMarks";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("a chat tab's title mark", () => {
  let state: ChatState = "ready";
  let refreshed = 0;
  const chat = { id: "c1" } as Chat;
  let marks: TabMarks;
  beforeEach(() => {
    state = "ready";
    refreshed = 0;
    marks = new TabMarks({ state: () => state }, () => refreshed++, 60);
  });
  afterEach(() => marks.dispose());

  it("marks a working chat only after the delay, and asks for the rename then", async () => {
    state = "working";
    assert.equal(marks.mark(chat), "", "no rename as the run starts");
    await sleep(90);
    assert.equal(refreshed, 1, "the tabs are renamed once the mark is due");
    assert.equal(marks.mark(chat), "⟳ ");
  });

  it("a question's mark is at once, and a finished run's mark goes at once", async () => {
    state = "waiting";
    assert.equal(marks.mark(chat), "? ");
    state = "working";
    marks.mark(chat);
    await sleep(90);
    assert.equal(marks.mark(chat), "⟳ ");
    state = "ready";
    assert.equal(marks.mark(chat), "");
  });

  it("a new run waits again: the delay counts from that run's start", async () => {
    state = "working";
    marks.mark(chat);
    await sleep(90);
    assert.equal(marks.mark(chat), "⟳ ");
    state = "ready";
    marks.mark(chat);
    state = "working";
    assert.equal(marks.mark(chat), "", "the next run's mark waits too");
  });
});
