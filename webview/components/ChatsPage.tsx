// The browser's sessions page (?view=chats): every live chat on the server with its state
// (working, waiting for you, done, error, stopped — as VS Code's Sessions view), title, model
// and cost; pi's open questions answered right here; a link into each chat.
//
// It polls listChats every few seconds rather than streaming each chat: one small request
// covers every chat (new and closed ones too), and a stream per chat would need one of the
// browser's six HTTP/1.1 connections per origin each — a dozen chats would starve the page.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { ChatState, ChatSummary } from "../../src/protocol/types";
import { callOverHttp } from "../httpActions";
import { errorText, type HttpClient } from "../httpClient";
import { WaitingWatcher } from "../notify";
import { Bell } from "./Bell";
import { DialogCard } from "./DialogCard";
import { IconButton } from "./Icon";
import { StatusPill } from "./StatusPill";

/** How often the list is refreshed (browsers stretch it in a background tab). */
export const POLL_MS = 2_000;

type RowState = ChatState | "done";

function costText(cost: number | undefined): string {
  if (!cost) return "";
  return cost < 0.01 ? "<$0.01" : `$${cost.toFixed(2)}`;
}

function viewersText(v: ChatSummary["viewers"]): string {
  if (!v) return "";
  const parts = [v.vscode ? (v.vscode === 1 ? "VS Code" : `${v.vscode} VS Code views`) : "", v.browser ? `${v.browser} browser${v.browser === 1 ? "" : "s"}` : ""].filter(Boolean);
  return parts.length ? `open in ${parts.join(" · ")}` : "";
}

function folderName(cwd: string): string {
  return cwd.split(/[\\/]/).filter(Boolean).pop() ?? cwd;
}

function ChatRow({ chat, state, client, refresh }: { chat: ChatSummary; state: RowState; client: HttpClient; refresh: () => Promise<void> }) {
  const answer = useMemo(() => async (a: Parameters<typeof callOverHttp<"answerDialog">>[2]) => {
    await callOverHttp(client, "answerDialog", a, chat.chatId);
    void refresh();
  }, [client, chat.chatId, refresh]);
  const meta = [chat.model?.split("/").pop(), costText(chat.cost), folderName(chat.cwd), viewersText(chat.viewers)].filter(Boolean).join(" · ");
  return (
    <li class={`chat-row state-${state}`} data-testid="chat-row" data-chat-id={chat.chatId} data-state={state}>
      <div class="chat-row-head">
        <a class="chat-row-title" href={`?chat=${encodeURIComponent(chat.chatId)}`} title={`Open ${chat.title}`}>
          {chat.title}
        </a>
        <StatusPill status={state} testId="chat-state" live={false} />
      </div>
      {meta ? <div class="meta chat-row-meta" title={chat.cwd}>{meta}</div> : null}
      {chat.waiting.map((q) => (
        <DialogCard key={q.id} item={q} answer={answer} />
      ))}
    </li>
  );
}

export function ChatsPage({ client }: { client: HttpClient }) {
  const [chats, setChats] = useState<ChatSummary[] | undefined>();
  const [error, setError] = useState("");
  // "done": a run this page saw finish; it stays until the chat works again (or the page reloads).
  const finished = useRef(new Set<string>());
  const last = useRef(new Map<string, ChatState>());
  const watcher = useMemo(() => new WaitingWatcher(), []);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  /** The latest refresh: an older one still in flight neither shows its answer nor schedules another. */
  const generation = useRef(0);

  const refresh = useMemo(
    () => async () => {
      clearTimeout(timer.current);
      const run = ++generation.current;
      try {
        const { chats: list } = await callOverHttp(client, "listChats", {});
        if (run !== generation.current) return;
        const valid = Array.isArray(list) ? list : [];
        for (const c of valid) {
          const before = last.current.get(c.chatId);
          // Waiting is part of a run too: an approved command can finish between two polls.
          if ((before === "working" || before === "waiting") && c.state === "ready") finished.current.add(c.chatId);
          if (c.state === "working") finished.current.delete(c.chatId);
          last.current.set(c.chatId, c.state);
        }
        watcher.update(valid.flatMap((c) => (Array.isArray(c.waiting) ? c.waiting : []).map((question) => ({ chatId: c.chatId, chatTitle: c.title, question }))));
        setChats([...valid].sort((a, b) => b.lastActivity - a.lastActivity));
        setError("");
      } catch (err) {
        if (run !== generation.current) return;
        setError(errorText(err));
      }
      timer.current = setTimeout(() => void refresh(), POLL_MS);
    },
    [client, watcher],
  );

  useEffect(() => {
    void refresh();
    // Back in front: refresh now rather than at the next (possibly stretched) tick.
    const onVisible = () => document.visibilityState === "visible" && void refresh();
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      generation.current++;
      clearTimeout(timer.current);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [refresh]);

  const newChat = async () => {
    try {
      const { chatId } = await callOverHttp(client, "newChat", {});
      location.href = `?chat=${encodeURIComponent(chatId)}`;
    } catch (err) {
      setError(errorText(err));
    }
  };

  const waiting = chats?.filter((c) => c.state === "waiting").length ?? 0;
  return (
    <div class="chats-page">
      <header class="header">
        <div class="title-row">
          <h1 class="title">Pi chats</h1>
          {waiting ? <span class="meta" data-testid="waiting-count">{waiting} waiting for you</span> : null}
          <span class="spacer" />
          <Bell />
          <IconButton icon="add" label="New chat" testId="new-chat" onClick={() => void newChat()} />
        </div>
      </header>
      <main class="chat-main">
        {error ? <div class="error-text starting" role="alert">{error}</div> : null}
        {chats === undefined && !error ? <div class="starting meta" role="status">Loading chats…</div> : null}
        {chats?.length === 0 ? <div class="chats-empty meta">No live chats. Start one with +.</div> : null}
        {chats?.length ? (
          <ul class="chats-list" aria-label="Live chats" data-testid="chats-list">
            {chats.map((c) => (
              <ChatRow key={c.chatId} chat={c} state={finished.current.has(c.chatId) && c.state === "ready" ? "done" : c.state} client={client} refresh={refresh} />
            ))}
          </ul>
        ) : null}
      </main>
    </div>
  );
}
