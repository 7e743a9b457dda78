// Every route of the server: the page and health, sign-in, the chat actions (from the action
// table) and the event streams.
import { authRoutes } from "./auth";
import { chatRoutes } from "./chats";
import { eventRoutes } from "./events";
import type { Route, RouteDeps } from "./route";
import { staticRoutes } from "./static";

export type { Route, RouteContext, RouteDeps } from "./route";
export { findAssetsRoot, indexHtml } from "./static";
export { IMAGES_BODY_ALLOWANCE, MAX_CHATS } from "./chats";

export function buildRoutes(deps: RouteDeps): Route[] {
  return [...staticRoutes(deps), ...authRoutes(deps), ...chatRoutes(deps), ...eventRoutes(deps), ...(deps.fleet?.routes(deps) ?? [])];
}
