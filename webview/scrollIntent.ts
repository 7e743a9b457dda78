// What the user's own input means for the transcript's scrolling: wheel up, a drag of the
// scrollbar, Home/Up/PageUp leave "follow the end"; End jumps back to it. Scroll events alone
// cannot tell the user from a stream growing the content, so these come first.

export interface ScrollIntents {
  /** The user takes over: a position still being restored is abandoned. */
  userMoves(): void;
  /** Stop following the end. */
  unfollow(): void;
  jumpToLatest(): void;
  jumpToTop(): void;
}

export function intentListeners(el: HTMLElement, intents: ScrollIntents): Array<[EventTarget, string, (e: never) => void]> {
  const onWheel = (e: WheelEvent) => {
    intents.userMoves();
    // Scrolling up must win over a stream pinning the view, even before the scroll event lands.
    if (e.deltaY < 0) intents.unfollow();
  };
  // A press on the scrollbar (right of the content box) is the start of a drag.
  const onPointer = (e: PointerEvent) => {
    if (e.target !== el || e.offsetX < el.clientWidth) return;
    intents.userMoves();
    intents.unfollow();
  };
  const onKey = (e: KeyboardEvent) => {
    // Keys typed into a dialog card's textarea are not for us.
    if (e.target !== el || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === "End") {
      e.preventDefault();
      intents.jumpToLatest();
    } else if (e.key === "Home") {
      // Straight to the top: a smooth scroll there would be retargeted by anchoring on the way.
      e.preventDefault();
      intents.jumpToTop();
    } else if (e.key === "ArrowUp" || e.key === "PageUp" || (e.key === " " && e.shiftKey)) {
      intents.userMoves();
      intents.unfollow();
    }
  };
  return [
    [el, "wheel", onWheel],
    [el, "keydown", onKey],
    [el, "pointerdown", onPointer],
    [el, "touchstart", () => intents.userMoves()],
  ];
}
