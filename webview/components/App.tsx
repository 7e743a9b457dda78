// The chat: header, transcript, composer — all fed by one store.
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { ChatStore } from "../chatStore";
import { installCodeBlockActions } from "../codeBlockActions";
import type { ChatTransport } from "../transport";
import { Composer } from "./Composer";
import { Header } from "./Header";
import { Transcript } from "./Transcript";

export function App({ store, transport, tools }: { store: ChatStore; transport: ChatTransport; tools?: ComponentChildren }) {
  const [version, setVersion] = useState(store.version);
  useEffect(() => store.subscribe(() => setVersion(store.version)), [store]);
  useEffect(() => installCodeBlockActions(transport), [transport]);
  const { state } = store;
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
        />
        <Composer status={state.status} info={state.info} transport={transport} />
      </main>
    </div>
  );
}
