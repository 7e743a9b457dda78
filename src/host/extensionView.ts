// What a pi extension shows in the chat itself rather than asking: a title (setTitle) and
// widgets (setWidget). Every view of the session gets them through the session's info.
import type { RpcExtensionUIRequest } from "../pi/rpcTypes";

export class ExtensionView {
  /** Set by setTitle; undefined until an extension names the chat. */
  title: string | undefined;
  private readonly widgetLines = new Map<string, string[]>();

  /** Takes setTitle/setWidget (true: handled, the info changed); anything else is not ours. */
  apply(request: RpcExtensionUIRequest): boolean {
    if (request.method === "setTitle") {
      this.title = request.title.slice(0, 200) || this.title;
      return true;
    }
    if (request.method === "setWidget") {
      // At most a few short lines: an extension cannot flood every view.
      const lines = request.widgetLines?.slice(0, 20).map((l) => l.slice(0, 500));
      if (lines?.length) this.widgetLines.set(request.widgetKey.slice(0, 100), lines);
      else this.widgetLines.delete(request.widgetKey);
      return true;
    }
    return false;
  }

  get widgets(): Record<string, string[]> | undefined {
    return this.widgetLines.size ? Object.fromEntries(this.widgetLines) : undefined;
  }
}
