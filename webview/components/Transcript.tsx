// The conversation, virtualized: only the items in and near the view are in the DOM, between
// two spacers standing in for the rest (TranscriptScroller decides which and where to scroll).
// Follows the end while the user is there; scrolled up, a button jumps back to the latest.
// A long chat holds only its latest items at first: once the view comes near the first one
// held, the ones before it are paged in (its edge says so, and offers it by keyboard too).
import type { JSX } from "preact";
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import type { ChatItem, ChatStatus, UserItem } from "../../src/protocol/transcript";
import type { OlderStatus } from "../olderItems";
import { TranscriptScroller } from "../transcriptScroller";
import type { ChatTransport } from "../transport";
import { ChangesCard } from "./ChangesCard";
import type { AnswerDialog } from "./DialogCard";
import { EditProposalCard } from "./EditProposal";
import { Icon } from "./Icon";
import { AssistantMessage, DialogCard, Notice, ToolCard, UserMessage } from "./Items";
import { RewindNotice, UserTurn } from "./RewindMenu";

// Styles go through the CSSOM (allowed by the webview CSP, unlike style attributes in markup).
// flow-root keeps each item's margins inside its wrapper, so a measured height is the space it takes.
const ITEM_STYLE = { display: "flow-root" };
// Chromium's own scroll anchoring keeps the view still as items above get measured, and unlike
// a scrollTop write it does not cancel a smooth (keyboard) scroll; the scroller's own correction
// is then a no-op, and covers browsers without it. Spacers must never be the anchor.
const SPACER_STYLE = { overflowAnchor: "none" };
// A zero-height strip under the transcript; the button floats up over its bottom edge.
const JUMP_STRIP_STYLE = { position: "relative", height: "0", flex: "none" };
const JUMP_STYLE = { position: "absolute", right: "16px", bottom: "10px", zIndex: "1" };

function Item({ item, status, transport, answer }: { item: ChatItem; status: ChatStatus; transport: ChatTransport; answer: AnswerDialog }) {
  switch (item.kind) {
    case "user":
      return <UserTurn item={item} status={status} transport={transport} />;
    case "assistant":
      return <AssistantMessage item={item} />;
    case "tool":
      return <ToolCard item={item} transport={transport} />;
    case "dialog":
      return item.proposal ? <EditProposalCard item={item} transport={transport} /> : <DialogCard item={item} answer={answer} />;
    case "notice":
      if (item.undoRewind) return <RewindNotice item={item} transport={transport} />;
      return <Notice item={item} transport={transport} canRestart={status === "crashed" || status === "error" || status === "stopped"} />;
    case "changes":
      return <ChangesCard item={item} transport={transport} />;
  }
}

/** The top of what the view holds of a long chat: more is being loaded, or can be. */
function OlderEdge({ count, status, load }: { count: number; status: OlderStatus; load: () => void }) {
  return (
    <div class="older-edge meta" data-testid="older-edge">
      {status === "loading" ? (
        <span role="status">Loading earlier items…</span>
      ) : (
        <button type="button" class="link" onClick={load}>
          {status === "failed" ? "Could not load earlier items: try again" : `Show ${count} earlier item${count === 1 ? "" : "s"}`}
        </button>
      )}
    </div>
  );
}

interface Props {
  items: ChatItem[];
  status: ChatStatus;
  transport: ChatTransport;
  version: number;
  /** Items before `items[0]` not loaded yet, how loading them goes, and how to ask for them. */
  older: number;
  olderStatus: OlderStatus;
  loadOlder: () => void;
  /** How many messages this view's composer has sent: each one follows the end again. */
  sent: number;
  /** The message this view just sent, until pi's copy of it is among the items. */
  echo?: UserItem;
}

export function Transcript({ items, status, transport, older, olderStatus, loadOlder, sent, echo }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const before = useRef<HTMLDivElement>(null);
  const after = useRef<HTMLDivElement>(null);
  const [, setTick] = useState(0);
  const [ctl] = useState(
    () =>
      new TranscriptScroller(
        {
          rerender: () => setTick((t) => t + 1),
          followChanged: (follow) => setFollowing(follow),
          save: (position) => transport.saveScroll(position),
        },
        transport.loadScroll(),
      ),
  );
  const [following, setFollowing] = useState(ctl.follow);
  // One function per transport, so the memoized cards do not re-render for a new one each time.
  const answer = useMemo<AnswerDialog>(() => (params) => transport.call("answerDialog", params), [transport]);

  useLayoutEffect(() => {
    if (ref.current && before.current && after.current) return ctl.attach(ref.current, before.current, after.current);
  }, [ctl]);
  // As in any chat, sending from this view's composer scrolls to the end, whatever the view was
  // doing; a message that arrives from another view does not move it.
  useLayoutEffect(() => {
    if (sent > 0) ctl.showLatest();
  }, [ctl, sent]);
  // Every render (a patch, a new window) is measured and put in place before the browser paints.
  useLayoutEffect(() => ctl.afterRender());

  const { start, end } = ctl.beginRender(items);
  // The first item held is rendered: the view is near the top of what it has, so page in more.
  const atTop = older > 0 && start === 0 && end > 0;
  useEffect(() => {
    if (atTop && olderStatus === "idle") loadOlder();
  });
  const shown: JSX.Element[] = [];
  for (let i = start; i < end; i++) {
    const item = items[i];
    shown.push(
      // The edge sits inside the first item's wrapper, so the scroller measures it with the item.
      <div key={item.id} data-id={item.id} data-index={i} style={ITEM_STYLE}>
        {i === 0 && older > 0 ? <OlderEdge count={older} status={olderStatus} load={loadOlder} /> : null}
        <Item item={item} status={status} transport={transport} answer={answer} />
      </div>,
    );
  }

  return (
    <>
      {/* Scrolled up, items mount because the user scrolls to them: not news to announce. */}
      {/* Focusable so the keyboard can scroll it (Home/End/PageUp): a scrollable region must be (WCAG 2.1.1). */}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: see above */}
      <div class="transcript" ref={ref} role="log" aria-live={following ? "polite" : "off"} aria-label="Conversation" tabIndex={0} data-testid="transcript">
        <div ref={before} aria-hidden="true" style={SPACER_STYLE} />
        {shown}
        <div ref={after} aria-hidden="true" style={SPACER_STYLE} />
        {/* After every item, outside the virtual list: it is not one of the chat's items yet. */}
        {echo ? <UserMessage item={echo} pending /> : null}
      </div>
      {following ? null : (
        <div style={JUMP_STRIP_STYLE}>
          <button type="button" class="jump-latest" data-testid="jump-latest" style={JUMP_STYLE} onClick={() => ctl.jumpToLatest()}>
            <Icon name="arrow-down" />
            Jump to latest
          </button>
        </div>
      )}
    </>
  );
}
