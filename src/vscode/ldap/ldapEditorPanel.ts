/**
 * The LDAP editor: a webview panel per cluster (webview-ui/ is its front end). The panel reads
 * through LdapService, posts snapshots, and turns the webview's edits into a save: checked with
 * the core, shown as a diff, confirmed in a modal, written with compare-and-swap.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { EditorSnapshot, HostToWebview, ValueEdit, WebviewState, WebviewToHost } from '../../core/ldap/protocol';
import type { ClusterEntry } from '../clusterWorkspace';
import { runCore } from '../core';
import { askOverDiff } from '../diffQuestion';
import { log } from '../log';
import type { LdapDiffDocuments } from './diffDocuments';
import type { LdapService } from './ldapService';
import { WebviewStateMirror } from './webviewStateMirror';

import { LDAP_EDITOR_VIEW_TYPE } from './ids';

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    // Only the bundle and the stylesheet: nothing else of the disk is reachable from the page.
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export class LdapEditorPanel implements vscode.Disposable {
  private snapshot: EditorSnapshot | undefined;
  private ready = false;
  private busy = false;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposed = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposed.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    public cluster: ClusterEntry,
    public node: string,
    private readonly service: LdapService,
    private readonly diffs: LdapDiffDocuments,
    private readonly mirror: WebviewStateMirror,
    extensionUri: vscode.Uri,
  ) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'gluu-cluster.svg');
    panel.webview.options = webviewOptions(extensionUri);
    panel.webview.html = html(panel.webview, extensionUri);
    this.title();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: WebviewToHost) => void this.receive(m)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private title(): void {
    this.panel.title = vscode.l10n.t('LDAP: {0} ({1})', this.cluster.parsed.config?.name ?? '', this.node);
  }

  private post(m: HostToWebview): void {
    void this.panel.webview.postMessage(m);
  }

  /** Handles a message from the webview. */
  async receive(m: WebviewToHost): Promise<void> {
    switch (m.type) {
      case 'state':
        return this.mirror.set(this.cluster.key, m.state);
      case 'ready': {
        this.ready = true;
        // The extension's copy wins: it is written on every change, where the editor's own copy
        // of the webview state can be older after a browser reload.
        const kept = this.mirror.get(this.cluster.key);
        if (kept && (kept.node === undefined || kept.node === this.node)) this.post({ type: 'restoreState', state: kept });
        if (this.snapshot && this.snapshot.node === this.node) this.post({ type: 'snapshot', snapshot: this.snapshot });
        else await this.load();
        return;
      }
      case 'reload':
        return this.load();
      case 'switchNode':
        if (!this.cluster.parsed.config?.nodes.some((n) => n.host === m.node)) return;
        this.node = m.node;
        this.title();
        return this.load();
      case 'save':
        return this.save(m.edits);
      case 'restorePrevious':
        return this.restore();
      case 'changeRedisPassword':
        // The command asks, confirms and runs; the form then shows what LDAP holds.
        await vscode.commands.executeCommand('gluuCluster.changeRedisPassword', { clusterKey: this.cluster.key });
        return this.load();
    }
  }

  /** Shows another node (the command was run on a node while the panel was open). */
  async show(node: string): Promise<void> {
    this.panel.reveal();
    if (node === this.node && this.snapshot) return;
    this.node = node;
    this.title();
    if (this.ready) await this.load();
  }

  async load(): Promise<void> {
    const node = this.node;
    this.post({ type: 'loading', node });
    try {
      this.snapshot = await this.service.snapshot(this.cluster, node);
      this.post({ type: 'snapshot', snapshot: this.snapshot });
    } catch (e) {
      this.snapshot = undefined;
      const message = (e as Error).message;
      log().warn(`LDAP editor: reading ${node} failed: ${message}`);
      this.post({ type: 'loadFailed', node, message });
    }
  }

  private async save(edits: ValueEdit[]): Promise<void> {
    const snapshot = this.snapshot;
    if (!snapshot || this.busy) return;
    this.busy = true;
    try {
      this.post({ type: 'saving' });
      const { resolveEdits, diffTexts } = runCore();
      const r = resolveEdits(snapshot, edits);
      if (r.errors.length) {
        this.post({ type: 'saveFailed', message: vscode.l10n.t('Not saved: {0}', r.errors.join('; ')), conflict: false });
        return;
      }
      if (r.changes.length === 0) {
        this.post({ type: 'saveCancelled', message: vscode.l10n.t('Nothing changed: nothing to write.') });
        return;
      }
      const { before, after } = diffTexts(r.changes);
      const { left, right } = this.diffs.pair(snapshot.node, before, after);
      const write = vscode.l10n.t('Write to LDAP');
      const answer = await askOverDiff(
        { left, right, title: vscode.l10n.t('LDAP on {0}: stored ↔ to be written', snapshot.node), viewColumn: vscode.ViewColumn.Beside },
        () =>
          vscode.window.showWarningMessage(
            vscode.l10n.t('Write {0} to the LDAP server of {1}?', r.changes.map((c) => c.label).join(', '), snapshot.node),
            {
              modal: true,
              detail: [
                vscode.l10n.t(
                  'The diff shows the stored value and the one to be written. The write replaces exactly the value read at {0}; if it changed since, nothing is written.',
                  new Date(snapshot.loadedAt).toLocaleTimeString(),
                ),
                ...r.warnings.map((w) => `⚠ ${w}`),
              ].join('\n\n'),
            },
            write,
          ),
      );
      if (answer !== write) {
        this.post({ type: 'saveCancelled', message: vscode.l10n.t('Not saved: the write was not confirmed.') });
        return;
      }
      try {
        await this.service.write(this.cluster, snapshot.node, snapshot.entryDN, r.changes, 'LDAP editor');
      } catch (e) {
        this.postFailure(e);
        return;
      }
      this.post({ type: 'saved', message: vscode.l10n.t('Saved to {0}: {1}.', snapshot.node, r.changes.map((c) => c.label).join(', ')) });
      await this.load();
    } finally {
      this.busy = false;
    }
  }

  /** A failed write: a conflict offers a reload. */
  private postFailure(e: unknown): void {
    const { isLdapError } = runCore();
    this.post({ type: 'saveFailed', message: (e as Error).message, conflict: isLdapError(e) && e.code === 'CONFLICT' });
  }

  private async restore(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const declined = await this.service.confirmRestore(this.cluster, this.node);
      if (declined) {
        this.post({ type: 'saveCancelled', message: declined });
        return;
      }
      this.post({ type: 'saving' });
      try {
        this.post({ type: 'saved', message: await this.service.restore(this.cluster, this.node) });
      } catch (e) {
        this.postFailure(e);
        return;
      }
      await this.load();
    } finally {
      this.busy = false;
    }
  }

  dispose(): void {
    this.disposed.fire();
    this.disposables.forEach((d) => d.dispose());
    this.disposed.dispose();
    this.panel.dispose();
  }
}

function html(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'ldapEditor.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'ldap-editor.css'));
  const csp = [
    `default-src 'none'`,
    // The toolkit adds one <style> element at load; it takes the page's nonce (csp-nonce meta).
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta property="csp-nonce" content="${nonce}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>Gluu LDAP editor</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}

/** One panel per cluster: opened, revealed, or revived after a window reload. */
export class LdapEditors implements vscode.Disposable {
  private readonly panels = new Map<string, LdapEditorPanel>();
  private readonly mirror: WebviewStateMirror;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly service: LdapService,
    private readonly diffs: LdapDiffDocuments,
    memento: vscode.Memento,
  ) {
    this.mirror = new WebviewStateMirror(memento);
  }

  get(clusterKey: string): LdapEditorPanel | undefined {
    return this.panels.get(clusterKey);
  }

  async open(cluster: ClusterEntry, node: string): Promise<LdapEditorPanel> {
    const open = this.panels.get(cluster.key);
    if (open) {
      await open.show(node);
      return open;
    }
    const panel = vscode.window.createWebviewPanel(
      LDAP_EDITOR_VIEW_TYPE,
      'LDAP',
      vscode.ViewColumn.Active,
      webviewOptions(this.extensionUri),
    );
    return this.adopt(panel, cluster, node);
  }

  /** A panel VS Code restored after a reload (see the serializer in extension.ts). */
  revive(panel: vscode.WebviewPanel, cluster: ClusterEntry, state: WebviewState | undefined): LdapEditorPanel {
    const nodes = cluster.parsed.config?.nodes ?? [];
    const wanted = state?.node ?? this.mirror.get(cluster.key)?.node;
    const node = nodes.find((n) => n.host === wanted)?.host ?? nodes.find((n) => n.primary)?.host ?? nodes[0]?.host ?? '';
    return this.adopt(panel, cluster, node);
  }

  private adopt(panel: vscode.WebviewPanel, cluster: ClusterEntry, node: string): LdapEditorPanel {
    const p = new LdapEditorPanel(panel, cluster, node, this.service, this.diffs, this.mirror, this.extensionUri);
    this.panels.set(cluster.key, p);
    p.onDidDispose(() => {
      if (this.panels.get(cluster.key) !== p) return;
      this.panels.delete(cluster.key);
      // Closed by the user: its drafts go with it. (Not when the extension shuts down for a
      // window reload: VS Code brings the panel back, and the drafts with it.)
      if (!this.shuttingDown) void this.mirror.clear(cluster.key);
    });
    return p;
  }

  private shuttingDown = false;

  dispose(): void {
    this.shuttingDown = true;
    [...this.panels.values()].forEach((p) => p.dispose());
  }
}
