/**
 * Finds the cluster file of each workspace folder, keeps its parse up to date (from the open
 * editor's unsaved text when there is one, else from disk) and tells listeners when it changes.
 */
import * as vscode from 'vscode';
import { core } from './core';
import type { ClusterSource } from '../core/tree/model';
import { debounce } from './debounce';
import { log } from './log';

export const DEFAULT_CLUSTER_FILE = 'gluu-cluster.yaml';
/** The JSON variant is used when the folder has no YAML cluster file. */
export const JSON_CLUSTER_FILE = 'gluu-cluster.json';

export interface ClusterEntry extends ClusterSource {
  uri: vscode.Uri;
  folder: vscode.WorkspaceFolder;
}

export class ClusterWorkspace implements vscode.Disposable {
  private entries: ClusterEntry[] = [];
  private loaded: Promise<void> | undefined;
  /** How many reads have started, and the number of the newest one whose result is shown. */
  private readsStarted = 0;
  private readShown = 0;
  private watchers: vscode.Disposable[] = [];
  /** The candidate cluster files, recomputed only when folders or settings change (not per keystroke). */
  private candidateList: { folder: vscode.WorkspaceFolder; uris: vscode.Uri[] }[] | undefined;
  private candidateKeys = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires (debounced) after the cluster files were re-read. */
  readonly onDidChange = this.changed.event;
  private readonly reloadSoon = debounce(() => void this.reload(), 150);

  constructor() {
    this.disposables.push(
      this.changed,
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.rewatch()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('gluuCluster')) this.rewatch();
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.isClusterFile(e.document.uri)) this.reloadSoon();
      }),
      // Closing an unsaved editor reverts to the file on disk.
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (this.isClusterFile(d.uri)) this.reloadSoon();
      }),
    );
    // The watchers and the first read are the extension's first use of the editor's file service,
    // whose set-up (10–30 ms measured here) was most of activate(): both start one tick after
    // activation returns. The first load fires onDidChange, which fills the views and the Problems
    // panel. (A watcher is live only once the file service answers, later still, so the first read
    // was never covered by it: a tick changes no guarantee.)
    const later = setTimeout(() => {
      this.watch();
      void this.clusters();
    }, 0);
    this.disposables.push({ dispose: () => clearTimeout(later) });
  }

  /** The cluster files, parsed. Reads them on first use. */
  async clusters(): Promise<ClusterEntry[]> {
    this.loaded ??= this.reload();
    await this.loaded;
    return this.entries;
  }

  /** Re-reads every cluster file now. */
  refresh(): Promise<void> {
    this.loaded = this.reload();
    return this.loaded;
  }

  isClusterFile(uri: vscode.Uri): boolean {
    this.candidates();
    return this.candidateKeys.has(uri.toString());
  }

  /** Where a folder's cluster file is, or would be created. */
  clusterFileUri(folder: vscode.WorkspaceFolder): vscode.Uri {
    return this.candidateUris(folder)[0];
  }

  private candidateUris(folder: vscode.WorkspaceFolder): vscode.Uri[] {
    const setting = vscode.workspace.getConfiguration('gluuCluster', folder.uri).get<string>('clusterFile') || DEFAULT_CLUSTER_FILE;
    const primary = setting.startsWith('/') ? vscode.Uri.file(setting) : vscode.Uri.joinPath(folder.uri, setting);
    return setting === DEFAULT_CLUSTER_FILE ? [primary, vscode.Uri.joinPath(folder.uri, JSON_CLUSTER_FILE)] : [primary];
  }

  private candidates(): { folder: vscode.WorkspaceFolder; uris: vscode.Uri[] }[] {
    if (!this.candidateList) {
      this.candidateList = (vscode.workspace.workspaceFolders ?? []).map((folder) => ({ folder, uris: this.candidateUris(folder) }));
      this.candidateKeys = new Set(this.candidateList.flatMap((c) => c.uris.map((u) => u.toString())));
    }
    return this.candidateList;
  }

  /**
   * Re-reads the files. Reads overlap, and one started later may end first: a slow disk read begun
   * for a watcher event just before a keystroke used to end after the read of the unsaved text and
   * replace it (the views then showed the disk). So a read that ends after a newer one was shown
   * is dropped; reads are not queued, so one that never ends holds nothing up.
   */
  private async reload(): Promise<void> {
    const mine = ++this.readsStarted;
    const found: ClusterEntry[] = [];
    for (const { folder, uris } of this.candidates()) {
      for (const uri of uris) {
        const text = await readText(uri);
        if (text === undefined) continue;
        found.push({ key: uri.toString(), uri, folder, folderName: folder.name, parsed: core().parseClusterFile(text) });
        break;
      }
    }
    if (mine < this.readShown) return;
    this.readShown = mine;
    this.entries = found;
    await vscode.commands.executeCommand('setContext', 'gluuCluster.hasClusterFile', found.length > 0);
    log().debug(`cluster files: ${found.map((f) => f.uri.fsPath).join(', ') || 'none'}`);
    this.changed.fire();
  }

  private watch(): void {
    for (const w of this.watchers) w.dispose();
    this.watchers = [];
    for (const { uris } of this.candidates()) {
      for (const uri of uris) {
        const name = uri.path.slice(uri.path.lastIndexOf('/') + 1);
        const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.joinPath(uri, '..'), name));
        w.onDidCreate(() => this.reloadSoon());
        w.onDidChange(() => this.reloadSoon());
        w.onDidDelete(() => this.reloadSoon());
        this.watchers.push(w);
      }
    }
  }

  private rewatch(): void {
    this.candidateList = undefined;
    this.watch();
    this.reloadSoon();
  }

  dispose(): void {
    this.reloadSoon.cancel();
    for (const d of [...this.watchers, ...this.disposables]) d.dispose();
  }
}

/**
 * An editor's unsaved text when there is one, else the file on disk, else undefined. (A saved
 * editor's model can lag behind a change on disk, so the disk wins unless the user is typing.)
 */
export async function readText(uri: vscode.Uri): Promise<string | undefined> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open?.isDirty) return open.getText();
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}
