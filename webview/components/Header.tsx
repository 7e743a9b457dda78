// Session title, status, model and thinking pickers, usage, and the session menu — compact, as
// VS Code's own chat header: one row of title, state and icon buttons, one row of pickers.
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { ModelChoice, PiSessionSummary } from "../../src/protocol/types";
import type { ChatInfo, ChatStatus } from "../../src/protocol/transcript";
import { groupModels } from "../../src/protocol/modelGroups";
import { usageText } from "../../src/protocol/usageText";
import { addToDraft } from "../draftBus";
import { lazyComponent } from "../lazy";
import { type ChatTransport, failureOf } from "../transport";
import { Dropdown } from "./Dropdown";
import { IconButton } from "./Icon";
import { StatusPill } from "./StatusPill";

// The menu loads when it is first opened.
const SessionMenu = lazyComponent(() => import("./SessionMenu").then((m) => m.SessionMenu));

export function Header({
  info,
  status,
  transport,
  tools,
}: {
  info: ChatInfo | undefined;
  status: ChatStatus;
  transport: ChatTransport;
  /** Buttons the page around the chat adds (the browser's "All chats" and notifications). */
  tools?: ComponentChildren;
}) {
  const [models, setModels] = useState<ModelChoice[]>([]);
  const [levels, setLevels] = useState<string[]>([]);
  const [sessions, setSessions] = useState<PiSessionSummary[] | undefined>();
  const [error, setError] = useState("");
  const live = !!info?.chatId && (status === "ready" || status === "working");
  const run = async (action: Promise<unknown>) => {
    const failure = await failureOf(action);
    setError(failure);
    return failure;
  };

  useEffect(() => {
    if (!live) return;
    // A reply is data from another process: a malformed one empties the picker, never crashes.
    transport
      .call("models", {})
      .then((r) => {
        setModels(Array.isArray(r?.models) ? r.models : []);
        setLevels(Array.isArray(r?.thinkingLevels) ? r.thinkingLevels : []);
      })
      .catch(() => setModels([]));
  }, [live, info?.model, info?.chatId, transport]);

  const openSessions = async () => {
    if (sessions) return setSessions(undefined);
    const list = await transport.call("piSessions", {}).then((r) => r.piSessions).catch(() => undefined);
    setSessions(Array.isArray(list) ? list : []);
  };

  const usage = usageText(info?.usage);
  return (
    <header class="header">
      <div class="title-row">
        <h1 class="title" title={info?.cwd}>{info?.title ?? "Pi"}</h1>
        <StatusPill status={status} />
        <span class="spacer" />
        {tools}
        <IconButton icon="history" label="Past sessions" pressed={!!sessions} onClick={() => void openSessions()} disabled={!info?.chatId} />
        <IconButton icon="add" label="New session" testId="new-session" onClick={() => void run(transport.call("newChat", {}))} />
      </div>
      {info?.chatId ? (
        <div class="controls-row">
          <Dropdown
            label="Model"
            testId="model-picker"
            value={info.model}
            disabled={!live}
            onChange={(value) => {
              const [provider, ...rest] = value.split("/");
              void run(transport.call("setModel", { provider, modelId: rest.join("/") }));
            }}
          >
            {models.length === 0 && info.model ? <option value={info.model}>{info.model}</option> : null}
            {groupModels(models).map((group) => (
              <optgroup key={group.label} label={group.label}>
                {group.models.map((m) => (
                  <option key={`${m.provider}/${m.id}`} value={`${m.provider}/${m.id}`}>
                    {m.name}
                  </option>
                ))}
              </optgroup>
            ))}
          </Dropdown>
          {levels.length > 1 ? (
            <Dropdown label="Thinking level" testId="thinking-picker" value={info.thinkingLevel} onChange={(level) => void run(transport.call("setThinking", { level }))}>
              {levels.map((l) => (
                <option key={l} value={l}>
                  thinking: {l}
                </option>
              ))}
            </Dropdown>
          ) : null}
          <span class="usage" data-testid="usage" title={usage ? "Tokens, cost and context window use of this session" : undefined}>
            {usage}
          </span>
        </div>
      ) : null}
      <Presence info={info} self={transport.kind} />
      {info?.widgets ? (
        <section class="widgets" data-testid="widgets" aria-label="From pi extensions">
          {Object.entries(info.widgets).map(([key, lines]) => (
            <pre key={key} class="widget">{lines.join("\n")}</pre>
          ))}
        </section>
      ) : null}
      {error ? <div class="error-text" role="alert">{error}</div> : null}
      {sessions ? (
        <div class="popover">
          <SessionMenu transport={transport} title={info?.title ?? ""} run={(action) => void run(action).then((failure) => !failure && setSessions(undefined))} toDraft={addToDraft} />
          <ul class="sessions" aria-label="Past sessions of this folder" data-testid="session-list">
            {sessions.length === 0 ? <li class="meta">No past sessions in this folder.</li> : null}
            {sessions.map((s) => (
              <li key={s.file}>
                <button type="button" class="list-button" onClick={() => void run(transport.call("resumePiSession", { file: s.file })).then(() => setSessions(undefined))}>
                  <span class="list-label">{s.title}</span>
                  <span class="meta">{new Date(s.modified).toLocaleString()}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </header>
  );
}

/** "Also open in VS Code · 2 browsers": the other views of this chat, besides this one. */
function Presence({ info, self }: { info: ChatInfo | undefined; self: "vscode" | "browser" }) {
  const v = info?.viewers;
  if (!v) return null;
  const vscode = v.vscode - (self === "vscode" ? 1 : 0);
  const browsers = v.browser - (self === "browser" ? 1 : 0);
  const parts = [vscode > 0 ? (vscode === 1 ? "VS Code" : `${vscode} VS Code views`) : "", browsers > 0 ? `${browsers} browser${browsers === 1 ? "" : "s"}` : ""].filter(Boolean);
  return parts.length ? (
    <div class="meta presence" data-testid="presence">
      Also open in {parts.join(" · ")}
    </div>
  ) : null;
}
