// The sign-in form of the browser page, shown when the server wants a credential and this tab
// has none (or its token expired). A password server gets a password field, an API-key-only
// server a key field; a server that signs in only by one-time link says where to get one.
import { useState } from "preact/hooks";
import { errorText, type AuthMethods, type HttpClient } from "../httpClient";

export function Login({ client, methods, notice, onLoggedIn }: { client: HttpClient; methods: AuthMethods; notice?: string; onLoggedIn: () => void }) {
  const [secret, setSecret] = useState("");
  const [error, setError] = useState(notice ?? "");
  const [busy, setBusy] = useState(false);
  const usePassword = methods.password;
  const label = usePassword ? "Password" : "API key";

  const submit = async (e: Event) => {
    // The page's CSP forbids form navigation (form-action 'none'): this handler does the work.
    e.preventDefault();
    if (!secret || busy) return;
    setBusy(true);
    try {
      if (usePassword) await client.login(secret);
      else await client.useApiKey(secret);
      setError("");
      onLoggedIn();
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };

  if (!methods.password && !methods.apiKey) {
    return (
      <main class="login">
        <div class="login-form" data-testid="login-unavailable">
          <h1 class="login-title">Pi</h1>
          {error ? <p class="error-text" role="alert">{error}</p> : null}
          <p>
            This server signs in only through a one-time link. In VS Code, run “Pi: Open Session in Browser” to open the chat here; a
            pi-vscode-server started in a terminal printed one there (press Enter in it for a new one).
          </p>
        </div>
      </main>
    );
  }

  return (
    <main class="login">
      <form class="login-form" data-testid="login-form" aria-labelledby="login-title" onSubmit={(e) => void submit(e)}>
        <h1 class="login-title" id="login-title">Sign in to Pi</h1>
        {/* Password managers file a password under a username; this server has none. */}
        {usePassword ? <input type="text" name="username" autocomplete="username" value="pi" readOnly hidden /> : null}
        <label for="login-secret">{label}</label>
        <input
          id="login-secret"
          data-testid="login-secret"
          type="password"
          autocomplete={usePassword ? "current-password" : "off"}
          // The sign-in form is all the page shows: typing goes there.
          // biome-ignore lint/a11y/noAutofocus: see above
          autoFocus
          required
          value={secret}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "login-error" : undefined}
          onInput={(e) => setSecret((e.target as HTMLInputElement).value)}
        />
        {error ? (
          <div class="error-text" id="login-error" role="alert" data-testid="login-error">
            {error}
          </div>
        ) : null}
        <button type="submit" data-testid="login-submit" disabled={busy || !secret} aria-busy={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
