// A component whose code is a chunk of its own, fetched the first time one is rendered (the
// diff view, dialog cards, the session menu): the first paint does not wait for it. Until it
// is in, the fallback renders (nothing, or a plain stand-in); a chunk that cannot load is
// reported once and leaves the fallback in place.
import { type ComponentType, type FunctionComponent, h, type VNode } from "preact";
import { useEffect, useState } from "preact/hooks";

export function lazyComponent<P extends object>(load: () => Promise<ComponentType<P>>, fallback: (props: P) => VNode | null = () => null): FunctionComponent<P> {
  let loaded: ComponentType<P> | undefined;
  let loading: Promise<void> | undefined;
  const start = () =>
    (loading ??= load().then(
      (component) => {
        loaded = component;
      },
      (err: unknown) => console.error(`pi chat: a part of the page could not load: ${String(err)}`),
    ));
  return function Lazy(props: P) {
    const [, setReady] = useState(false);
    useEffect(() => {
      let live = true;
      if (!loaded) void start().then(() => live && setReady(true));
      return () => {
        live = false;
      };
    }, []);
    return loaded ? h(loaded, props) : fallback(props);
  };
}
