// The browser page around the chat: redeem a login link, sign in if the server asks, pick the
// session, then the same App as in VS Code over the HTTP transport — with a banner while the
// event stream is down, the sign-in form again if the token stops working, and a way to sign
// out. `?view=chats` shows every live chat instead (ChatsPage). Both notify when a chat starts waiting.
import { useEffect, useState } from "preact/hooks";
import type { DialogItem } from "../../src/protocol/transcript";
import { ChatStore } from "../chatStore";
import { ApiError, errorText, type AuthMethods, type HttpClient } from "../httpClient";
import { chooseChat, createHttpTransport, type ConnectionState, type HttpTransport } from "../httpTransport";
import { registerServiceWorker, WaitingWatcher } from "../notify";
import { App } from "./App";
import { Bell } from "./Bell";
import { ChatsPage } from "./ChatsPage";
import { Icon } from "./Icon";
import { Login } from "./Login";

/** The page shows every chat (`?view=chats`) rather than one. */
function wantsChatList(): boolean {
  return new URL(location.href).searchParams.get("view") === "chats";
}

/** Notifies when the shown chat starts waiting, unless the user is looking at it. */
function watchQuestions(store: ChatStore, transport: HttpTransport): () => void {
  const watcher = new WaitingWatcher(() => document.visibilityState === "visible" && document.hasFocus());
  const check = () => {
    const { state } = store;
    const open = state.items.filter((i): i is DialogItem => i.kind === "dialog" && i.state === "open");
    watcher.update(open.map((question) => ({ chatId: transport.chatId, chatTitle: state.info?.title ?? "Pi", question })));
  };
  return store.subscribe(check);
}

/** The browser's extra header buttons: every chat, and notifications. */
function BrowserTools() {
  return (
    <>
      <a class="icon-button" href="?view=chats" aria-label="All chats" title="All chats" data-testid="all-chats">
        <Icon name="list-unordered" />
      </a>
      <Bell />
    </>
  );
}

type Phase =
  | { kind: "starting" }
  | { kind: "login"; methods: AuthMethods; notice?: string }
  | { kind: "failed"; message: string }
  | { kind: "chats"; relogin?: AuthMethods }
  /** `relogin`: the token stopped working mid-chat; sign in again, then resume the stream. */
  | { kind: "chat"; store: ChatStore; transport: HttpTransport; note?: string; relogin?: AuthMethods; signedIn: boolean };

/**
 * The one-time ticket from `#ticket=…` (a link from VS Code), removed from the address bar at
 * once so it is not in the history, a bookmark or a screenshot.
 */
function takeTicket(): string | undefined {
  const ticket = new URLSearchParams(location.hash.replace(/^#/, "")).get("ticket") ?? undefined;
  if (ticket !== undefined) history.replaceState(history.state, "", `${location.pathname}${location.search}`);
  return ticket || undefined;
}

function Banner({ connection, note }: { connection: ConnectionState; note?: string }) {
  if (connection.kind === "closed") {
    return (
      <div class="banner closed" role="alert" data-testid="connection-banner">
        {connection.reason}{" "}
        <a href={location.pathname}>Open the most recent session</a>
      </div>
    );
  }
  if (connection.kind === "reconnecting") {
    return (
      <div class="banner" role="status" data-testid="connection-banner">
        {connection.reason ?? "Connection to the server lost."} Reconnecting…
      </div>
    );
  }
  return note ? <div class="banner" role="status">{note}</div> : null;
}

export function RemoteApp({ client }: { client: HttpClient }) {
  const [phase, setPhase] = useState<Phase>({ kind: "starting" });
  const [connection, setConnection] = useState<ConnectionState>({ kind: "connecting" });

  const boot = async (notice?: string): Promise<void> => {
    setPhase({ kind: "starting" });
    try {
      const status = await client.authStatus();
      if (status.authRequired && !status.authenticated) {
        client.clearToken();
        setPhase({ kind: "login", methods: status.methods, notice });
        return;
      }
      if (wantsChatList()) {
        setPhase({ kind: "chats" });
        return;
      }
      const { id, note } = await chooseChat(client);
      const transport = createHttpTransport(client, id, setConnection);
      const store = new ChatStore(transport);
      setPhase({ kind: "chat", store, transport, note, signedIn: status.authRequired });
      void store.connect();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401 && client.token) {
        // Accepted by /auth/status yet refused here (it just expired): start over signed out.
        client.clearToken();
        return boot("Please sign in again.");
      }
      setPhase({ kind: "failed", message: errorText(err) });
    }
  };

  useEffect(() => {
    registerServiceWorker();
    void (async () => {
      const ticket = takeTicket();
      let notice: string | undefined;
      if (ticket) await client.redeemTicket(ticket).catch((err: unknown) => (notice = errorText(err)));
      await boot(notice);
    })();
    // Any API call refused for want of a credential (the stream's reconnect included).
    return client.onUnauthorized(() => {
      void client.authStatus().then(
        (status) => {
          if (!status.authRequired || status.authenticated) return;
          client.clearToken();
          setPhase((p) => (p.kind === "chat" || p.kind === "chats" ? { ...p, relogin: status.methods } : p));
        },
        () => undefined,
      );
    });
  }, [client]);

  /** Ends the token on the server too: a copy of it (a shared machine, a stolen tab) is then worthless. */
  const signOut = async (transport: HttpTransport) => {
    transport.close();
    await client.logout();
    await boot("You are signed out.");
  };
  const chatStore = phase.kind === "chat" ? phase.store : undefined;
  const chatTransport = phase.kind === "chat" ? phase.transport : undefined;
  useEffect(() => (chatStore && chatTransport ? watchQuestions(chatStore, chatTransport) : undefined), [chatStore, chatTransport]);

  if (phase.kind === "starting") return <div class="starting meta" role="status">Connecting to pi…</div>;
  if (phase.kind === "failed") {
    return (
      <div class="starting" role="alert">
        <p class="error-text">{phase.message}</p>
        <button type="button" onClick={() => void boot()}>Try again</button>
      </div>
    );
  }
  if (phase.kind === "login") return <Login client={client} methods={phase.methods} notice={phase.notice} onLoggedIn={() => void boot()} />;
  if (phase.kind === "chats") {
    if (phase.relogin) return <Login client={client} methods={phase.relogin} notice="Your sign-in expired; sign in again to continue." onLoggedIn={() => void boot()} />;
    return <ChatsPage client={client} />;
  }
  if (phase.relogin) {
    const { transport } = phase;
    return (
      <Login
        client={client}
        methods={phase.relogin}
        notice="Your sign-in expired; sign in again to continue."
        onLoggedIn={() => {
          setPhase((p) => (p.kind === "chat" ? { ...p, relogin: undefined } : p));
          transport.reconnect();
        }}
      />
    );
  }
  return (
    <div class="remote">
      <Banner connection={connection} note={phase.note} />
      {phase.signedIn ? (
        <div class="remote-bar">
          <button type="button" class="link" data-testid="sign-out" onClick={() => void signOut(phase.transport)}>
            Sign out
          </button>
        </div>
      ) : null}
      <App store={phase.store} transport={phase.transport} tools={<BrowserTools />} />
    </div>
  );
}
