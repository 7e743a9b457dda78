// The chat: header, transcript, composer — all fed by one store.
import type { ComponentChildren } from "preact";
import { useEffect, useLayoutEffect, useState } from "preact/hooks";
import type { ChatStore } from "../chatStore";
import { installCodeBlockActions } from "../codeBlockActions";
import { warmMarkdown } from "../markdown";
import type { ChatTransport } from "../transport";
import { Composer } from "./Composer";
import { Header } from "./Header";
import { Transcript } from "./Transcript";

export function App({ store, transport, tools }: { store: ChatStore; transport: ChatTransport; tools?: ComponentChildren }) {
  const [version, setVersion] = useState(store.version);
  // Subscribed before the first paint, and caught up with any change since this render: the
  // first snapshot may be in before an effect would run (the page asked for it early).
  useLayoutEffect(() => {
    const off = store.subscribe(() => setVersion(store.version));
    setVersion(store.version);
    return off;
  }, [store]);
  useEffect(() => installCodeBlockActions(transport), [transport]);
  const { state } = store;
  // Once the first snapshot is on screen, the page readies its markdown code for what comes next.
  const shown = state.info !== undefined;
  useEffect(() => (shown ? warmMarkdown() : undefined), [shown]);
  // Messages sent from this view's composer: the transcript follows the end after each.
  const [sent, setSent] = useState(0);
  return (
    <div class="app">
      <Header info={state.info} status={state.status} transport={transport} tools={tools} />
      <main class="chat-main">
        <Transcript
          items={state.items}
          status={state.status}
          transport={transport}
          version={version}
          older={state.older}
          olderStatus={store.older.status}
          loadOlder={store.loadOlder}
          sent={sent}
          echo={store.echo}
        />
        <Composer status={state.status} info={state.info} transport={transport} onSent={() => setSent((n) => n + 1)} echo={(text, images) => store.showEcho(text, images)} />
      </main>
    </div>
  );
}
