// An action of the table over the server's REST API: its verb and path come from the table,
// params go in the query (GET) or the JSON body, failures come back as the server's message.
import { ACTIONS, type ActionName, type ActionParams, type ActionResult, fillPath } from "../src/protocol/actions";
import type { HttpClient } from "./httpClient";

export function canOverHttp(name: ActionName): boolean {
  return (ACTIONS[name] as { http?: unknown }).http !== undefined;
}

export async function callOverHttp<K extends ActionName>(client: HttpClient, name: K, params: ActionParams<K>, chatId?: string): Promise<ActionResult<K>> {
  const route = (ACTIONS[name] as { http?: { verb: "GET" | "POST" | "DELETE"; path: string } }).http;
  if (!route) throw new Error(`${name} is not available in the browser.`);
  const path = fillPath(route.path, chatId === undefined ? {} : { chatId });
  if (route.verb === "GET") {
    const query = new URLSearchParams(Object.entries(params as Record<string, unknown>).map(([k, v]) => [k, String(v)])).toString();
    return client.request<ActionResult<K>>("GET", query ? `${path}?${query}` : path);
  }
  return client.request<ActionResult<K>>(route.verb, path, route.verb === "POST" ? params : undefined);
}
