import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { assistantText, startPiFixture, waitFor, waitForStatus } from "../test/support/piFixture";
describe("probe", function () {
  this.timeout(120000);
  it("switch then prompt with checkpoints", async () => {
    const stores = fs.mkdtempSync(path.join(os.tmpdir(), "probe-stores-"));
    const fx = await startPiFixture({}, { checkpoints: { storesRoot: stores } });
    const chat = fx.host.createChat({ cwd: fx.workspace });
    await waitForStatus(chat, "ready");
    fs.writeFileSync(path.join(fx.workspace, "notes.txt"), "first version\n");
    await chat.prompt("write notes.txt second version");
    await waitFor("w", () => assistantText(chat.snapshot().items).includes("Tool finished"), 30000);
    await waitForStatus(chat, "ready");
    await chat.settings.setModel("pi-demo", "pi-demo-thinking");
    const t0 = Date.now();
    await chat.prompt("hello after the switch");
    console.log("prompt resolved after", Date.now() - t0);
    await waitFor("answer", () => assistantText(chat.snapshot().items).includes("after the switch"), 40000).catch((e) => { console.log(JSON.stringify(chat.snapshot().items.map((i) => [i.kind, JSON.stringify(i).slice(0, 150)]))); throw e; });
    await fx.cleanup();
  });
});
