/**
 * A copy of each LDAP editor's webview state in the workspace storage. VS Code keeps webview
 * state itself, but a browser-hosted editor (code-server) may reload before it is saved; the
 * extension's storage lives with the extension host and is written at once.
 */
import type * as vscode from 'vscode';
import type { WebviewState } from '../../core/ldap/protocol';

const KEY = 'gluuCluster.ldapEditorState';

export class WebviewStateMirror {
  constructor(private readonly memento: vscode.Memento) {}

  get(cluster: string): WebviewState | undefined {
    return this.memento.get<Record<string, WebviewState>>(KEY, {})[cluster];
  }

  async set(cluster: string, state: WebviewState): Promise<void> {
    await this.memento.update(KEY, { ...this.memento.get<Record<string, WebviewState>>(KEY, {}), [cluster]: state });
  }

  async clear(cluster: string): Promise<void> {
    const all = { ...this.memento.get<Record<string, WebviewState>>(KEY, {}) };
    delete all[cluster];
    await this.memento.update(KEY, all);
  }
}
