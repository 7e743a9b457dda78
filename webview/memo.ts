// `memo` without preact/compat (≈6 KB of React emulation the page does not otherwise need): a
// component that re-renders only when a prop changed identity. The store replaces just the
// items a patch touched, so this is what keeps a streamed delta to one message's render.
import { type ComponentChildren, createElement, type FunctionComponent } from "preact";

function differs(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  for (const key in a) if (!(key in b)) return true;
  for (const key in b) if (a[key] !== b[key]) return true;
  return false;
}

export function memo<P extends object>(component: FunctionComponent<P>): FunctionComponent<P> {
  // Preact calls a function component with the component instance as `this`; setting
  // shouldComponentUpdate on it is how preact/compat's own memo works.
  function Memoed(this: { props: P; shouldComponentUpdate?: (next: P) => boolean }, props: P & { children?: ComponentChildren }) {
    this.shouldComponentUpdate = function (this: { props: P }, next: P) {
      return differs(this.props as Record<string, unknown>, next as Record<string, unknown>);
    };
    return createElement(component, props);
  }
  return Memoed as FunctionComponent<P>;
}
