import * as vscode from 'vscode';

let channel: vscode.LogOutputChannel | undefined;

/** The extension's LogOutputChannel ("Gluu Cluster" in the Output panel). */
export function log(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('Gluu Cluster', { log: true });
  return channel;
}

export function disposeLog(): void {
  channel?.dispose();
  channel = undefined;
}
