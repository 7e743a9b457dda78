// The browser page's link to the Pi server's REST API: JSON requests carrying the tab's bearer
// token, errors as ApiError with the server's message, and the sign-in endpoints that set
// the token (password, one-time ticket, API key), sign out, and the event stream's URL (with a
// short-lived stream token: the session token never goes into a URL).
import { errorText } from "../src/protocol/actionError";
import { fillPath } from "../src/protocol/actions";
import { AUTH_PATHS } from "../src/protocol/serverPaths";
import { EVENTS_PATH } from "../src/protocol/viewEvents";
import { tabGet, tabSet } from "./tabStorage";

export class ApiError extends Error {
  constructor(
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export interface AuthMethods {
  password: boolean;
  apiKey: boolean;
}

export interface AuthStatus {
  authRequired: boolean;
  authenticated: boolean;
  methods: AuthMethods;
}

interface TokenReply {
  token: string;
  /** Seconds since the epoch. */
  expiresAt: number;
}

interface StoredToken {
  token: string;
  expiresAt?: number;
}

const TOKEN_KEY = "pi.auth";
const SIGN_IN_PATHS = new Set<string>([AUTH_PATHS.login, AUTH_PATHS.ticket, AUTH_PATHS.logout]);

export { errorText };

export class HttpClient {
  private readonly unauthorized = new Set<() => void>();

  /** `apiBase`: the API's path on this origin, e.g. "/api/v1". */
  constructor(readonly apiBase: string) {}

  /** The stored credential, unless it is a token known to have expired. */
  get token(): string | undefined {
    const raw = tabGet(TOKEN_KEY);
    if (!raw) return undefined;
    try {
      const stored = JSON.parse(raw) as Partial<StoredToken>;
      if (typeof stored.token !== "string") return undefined;
      if (typeof stored.expiresAt === "number" && stored.expiresAt * 1000 <= Date.now()) return undefined;
      return stored.token;
    } catch {
      return undefined;
    }
  }

  setToken(token: string, expiresAt?: number): void {
    const stored: StoredToken = { token, expiresAt };
    tabSet(TOKEN_KEY, JSON.stringify(stored));
  }

  clearToken(): void {
    tabSet(TOKEN_KEY, undefined);
  }

  /** Called when the server refuses the stored credential on an API call (it expired or the server restarted). */
  onUnauthorized(listener: () => void): () => void {
    this.unauthorized.add(listener);
    return () => this.unauthorized.delete(listener);
  }

  async request<T>(method: "GET" | "POST" | "DELETE", path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: "application/json" };
    const token = this.token;
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let res: Response;
    try {
      res = await fetch(`${this.apiBase}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store" });
    } catch {
      throw new ApiError(0, "unreachable", "The Pi server cannot be reached.");
    }
    const text = await res.text().catch(() => "");
    let json: unknown;
    try {
      json = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const error = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
      const code = typeof error?.code === "string" ? error.code : `http_${res.status}`;
      const message = typeof error?.message === "string" ? error.message : `The server answered ${res.status}.`;
      // A refused login is the form's business; any other refusal means the sign-in is gone.
      if (res.status === 401 && !SIGN_IN_PATHS.has(path)) this.unauthorized.forEach((l) => l());
      throw new ApiError(res.status, code, message);
    }
    return json as T;
  }

  authStatus(): Promise<AuthStatus> {
    return this.request<AuthStatus>("GET", AUTH_PATHS.status);
  }

  async login(password: string): Promise<void> {
    const reply = await this.request<TokenReply>("POST", AUTH_PATHS.login, { password });
    this.setToken(reply.token, reply.expiresAt);
  }

  async redeemTicket(ticket: string): Promise<void> {
    const reply = await this.request<TokenReply>("POST", AUTH_PATHS.ticket, { ticket });
    this.setToken(reply.token, reply.expiresAt);
  }

  /** An API key is itself the bearer credential: keep it if the server accepts it. */
  async useApiKey(key: string): Promise<void> {
    this.setToken(key);
    const status = await this.authStatus().catch((err: unknown) => {
      this.clearToken();
      throw err;
    });
    if (!status.authenticated) {
      this.clearToken();
      throw new ApiError(401, "invalid_credentials", "Wrong API key.");
    }
  }

  /** Ends this tab's sign-in on the server too (so a copied token is worthless), then forgets it. */
  async logout(): Promise<void> {
    try {
      if (this.token) await this.request<unknown>("POST", AUTH_PATHS.logout);
    } catch {
      // An API key cannot be signed out, and a dead token needs no signing out: forget it anyway.
    } finally {
      this.clearToken();
    }
  }

  /**
   * A URL that opens the chat's event stream once. EventSource cannot send headers, so the
   * server trades the bearer token for a stream token valid for this chat, one connection and a
   * minute: that is what lands in proxy logs. Call it for every (re)connection. `lastEventId`
   * resumes the stream where the page left off.
   */
  async streamUrl(chatId: string, lastEventId?: string): Promise<string> {
    const { token } = await this.request<TokenReply>("POST", AUTH_PATHS.streamToken, { chatId });
    const query = new URLSearchParams({ stream_token: token });
    if (lastEventId) query.set("lastEventId", lastEventId);
    return `${this.apiBase}${fillPath(EVENTS_PATH, { chatId })}?${query.toString()}`;
  }
}
