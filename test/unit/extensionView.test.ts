// setTitle / setWidget from a pi extension: kept small, cleared on empty, other methods ignored.
import * as assert from "node:assert/strict";
import { ExtensionView } from "../../src/host/extensionView";

describe("pi extension title and widgets", () => {
  it("keeps the title and widgets, bounded, and forgets a widget sent empty", () => {
    const v = new ExtensionView();
    assert.equal(v.apply({ type: "extension_ui_request", id: "1", method: "setTitle", title: "T".repeat(300) }), true);
    assert.equal(v.title?.length, 200);
    assert.equal(v.apply({ type: "extension_ui_request", id: "2", method: "setWidget", widgetKey: "k", widgetLines: Array.from({ length: 30 }, (_, i) => `line ${i}`) }), true);
    assert.equal(v.widgets?.k.length, 20);
    v.apply({ type: "extension_ui_request", id: "3", method: "setWidget", widgetKey: "k", widgetLines: undefined });
    assert.equal(v.widgets, undefined);
    assert.equal(v.apply({ type: "extension_ui_request", id: "4", method: "notify", message: "hi" }), false);
  });
});
