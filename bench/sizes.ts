// Bundle and package sizes: minified and gzipped (what is loaded on every view open).
import * as fs from "node:fs";
import * as path from "node:path";
import { gzipSync } from "node:zlib";

const root = path.join(__dirname, "..");

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

export function printSizes(): void {
  for (const file of ["dist/extension.js", "dist/webview.js", "media/chat.css"]) {
    const full = path.join(root, file);
    if (!fs.existsSync(full)) {
      console.log(`${file}: missing (run npm run package first)`);
      continue;
    }
    const data = fs.readFileSync(full);
    console.log(`${file}: ${kb(data.length)} minified, ${kb(gzipSync(data, { level: 9 }).length)} gzipped`);
  }
  const vsix = path.join(root, "dist", "pi-vscode.vsix");
  if (fs.existsSync(vsix)) console.log(`dist/pi-vscode.vsix: ${(fs.statSync(vsix).size / 1024 / 1024).toFixed(2)} MB`);
  else console.log("dist/pi-vscode.vsix: missing (run npm run package first)");
}

if (require.main === module) printSizes();
