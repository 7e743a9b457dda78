// Entry of the Pi server's browser page: sign-in and the choice of chat come first; RemoteApp
// builds the HTTP + SSE transport after them. (VS Code webviews load main.tsx instead.)
import { render } from "preact";
import { RemoteApp } from "./components/RemoteApp";
import { HttpClient } from "./httpClient";

const root = document.getElementById("app");
if (root) render(<RemoteApp client={new HttpClient(document.body.dataset.piApi ?? "/api/v1")} />, root);
