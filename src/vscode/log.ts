import * as vscode from 'vscode';

// Kept on globalThis: the LDAP editor's lazily loaded bundle (dist/ldapEditor.js) has its own
// copy of this module, and both must write to the one channel.
const KEY = Symbol.for('gluu-cluster.log');
const holder = globalThis as { [KEY]?: vscode.LogOutputChannel };

/** The extension's LogOutputChannel ("Gluu Cluster" in the Output panel). */
export function log(): vscode.LogOutputChannel {
  holder[KEY] ??= vscode.window.createOutputChannel('Gluu Cluster', { log: true });
  return holder[KEY];
}

export function disposeLog(): void {
  holder[KEY]?.dispose();
  delete holder[KEY];
}
