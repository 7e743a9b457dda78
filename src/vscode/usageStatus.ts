// A status-bar item with the usage of the chat the user last looked at: tokens, cost and
// context-window share after each turn, like the chat header. Hidden until there is usage.
import * as vscode from "vscode";
import type { Chat } from "../host/chat/chat";
import { usageText } from "../protocol/usageText";

export class UsageStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("pi.usage", vscode.StatusBarAlignment.Right, 100);
  private unsubscribe: (() => void) | undefined;

  constructor() {
    this.item.name = "Pi usage";
    this.item.command = "pi.chat.focus";
  }

  follow(session: Chat): void {
    this.unsubscribe?.();
    const render = () => {
      const text = usageText(session.info.usage);
      if (!text) return this.item.hide();
      this.item.text = `$(pulse) ${text}`;
      this.item.tooltip = `Pi — ${session.info.title}: ${text}`;
      this.item.show();
    };
    render();
    // Usage arrives as an info patch after each turn.
    this.unsubscribe = session.onBatch((batch) => {
      if (batch.patches.some((p) => p.op === "info")) render();
    });
  }

  dispose(): void {
    this.unsubscribe?.();
    this.item.dispose();
  }
}
