// Starts `claimlint lsp` for X12 files (*.837, *.x12, *.edi) and connects VS Code to it.
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const config = vscode.workspace.getConfiguration("claimlint");
  const command = config.get<string>("path", "claimlint");
  const args = ["lsp", ...config.get<string[]>("args", [])];
  const serverOptions: ServerOptions = {
    run: { command, args },
    debug: { command, args },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "x12" },
      { scheme: "untitled", language: "x12" },
    ],
  };
  client = new LanguageClient("claimlint", "claimlint", serverOptions, clientOptions);
  context.subscriptions.push(client);
  await client.start();
}

export async function deactivate(): Promise<void> {
  if (client) {
    await client.stop();
  }
}
