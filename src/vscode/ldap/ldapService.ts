/**
 * The editor's way to the appliance entry, shared by the LDAP editor panel, the LDAP steps and
 * "Restore Previous LDAP Value": SSH from the window's pool, the directory manager password from
 * SecretStorage (forgotten when the server refuses it, so the next try asks), pinned
 * certificates from global state, and a record of what each write replaced.
 */
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import type { ApplianceAccess } from '../../core/ldap/appliance';
import type { ValueChange } from '../../core/ldap/edits';
import type { EditorSnapshot } from '../../core/ldap/protocol';
import type { ClusterEntry } from '../clusterWorkspace';
import { runCore } from '../core';
import { log } from '../log';
import type { ClusterSecrets } from '../secretSource';
import type { SshSession } from '../ssh/sshSession';
import { certificateTrust } from './certificateTrust';
import { PreviousValues } from './previousValues';

export class LdapService {
  readonly previous: PreviousValues;

  constructor(
    private readonly extension: vscode.ExtensionContext,
    private readonly ssh: SshSession,
    private readonly secrets: ClusterSecrets,
  ) {
    this.previous = new PreviousValues(extension.workspaceState);
  }

  /** How to reach a node's appliance entry; the run session passes its own (masked) password. */
  access(cluster: ClusterEntry, node: string, password?: () => Promise<string>): ApplianceAccess {
    const config = cluster.parsed.config!;
    return runCore().applianceAccess(config, node, {
      pool: this.ssh.get(),
      password: password ?? (() => this.secrets.get(cluster.key, config.name, 'ldapAdmin')),
      trust: certificateTrust(this.extension.globalState),
      clusterFileDir: dirname(cluster.uri.fsPath),
    });
  }

  /** Runs fn with a session; a refused password is forgotten and the message says so. */
  private async with<T>(cluster: ClusterEntry, node: string, fn: (a: ApplianceAccess) => Promise<T>): Promise<T> {
    try {
      return await fn(this.access(cluster, node));
    } catch (e) {
      const { isLdapError } = runCore();
      if (isLdapError(e) && e.code === 'BAD_CREDENTIALS') {
        await this.secrets.forget(cluster.key, ['ldapAdmin']);
        throw new Error(`${e.message} ${vscode.l10n.t('The stored password was forgotten: you will be asked for it again.')}`, {
          cause: e,
        });
      }
      throw e;
    }
  }

  async snapshot(cluster: ClusterEntry, node: string): Promise<EditorSnapshot> {
    const canRestore = this.previous.get(cluster.key, node) !== undefined;
    return this.with(cluster, node, (a) => runCore().readSnapshot(cluster.parsed.config!, a, canRestore));
  }

  /** Compare-and-swap write; remembers what it replaced for Restore Previous. */
  async write(cluster: ClusterEntry, node: string, entryDN: string, changes: ValueChange[], by: string): Promise<void> {
    const { withAppliance } = runCore();
    await this.with(cluster, node, (a) => withAppliance(a, (s) => s.write(entryDN, changes)));
    await this.previous.record(cluster.key, node, { entryDN, changes, at: Date.now(), by });
    log().info(`LDAP on ${node}: wrote ${changes.map((c) => c.label).join(', ')} (${by})`);
  }

  /**
   * Asks before putting back what the last write on `node` replaced (panel button and command):
   * undefined when confirmed, else what to tell the user.
   */
  async confirmRestore(cluster: ClusterEntry, node: string): Promise<string | undefined> {
    const saved = this.previous.get(cluster.key, node);
    if (!saved) return vscode.l10n.t('No previous LDAP value is kept for {0}.', node);
    const restore = vscode.l10n.t('Restore');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('Put back the values replaced on {0} at {1}?', node, new Date(saved.at).toLocaleString()),
      {
        modal: true,
        detail: vscode.l10n.t(
          '{0}, written by {1}. Only if nobody changed them since.',
          saved.changes.map((c) => c.label).join(', '),
          saved.by,
        ),
      },
      restore,
    );
    return answer === restore ? undefined : vscode.l10n.t('Nothing restored.');
  }

  /** Puts back the values the last write on `node` replaced; returns what it did. */
  async restore(cluster: ClusterEntry, node: string): Promise<string> {
    const saved = this.previous.get(cluster.key, node);
    if (!saved) return vscode.l10n.t('No previous LDAP value is kept for {0}.', node);
    const { reverseChanges, withAppliance } = runCore();
    const back = reverseChanges(saved.changes);
    if (back.changes.length) await this.with(cluster, node, (a) => withAppliance(a, (s) => s.write(saved.entryDN, back.changes)));
    await this.previous.clear(cluster.key, node);
    log().info(`LDAP on ${node}: restored ${back.changes.map((c) => c.label).join(', ')}`);
    return [vscode.l10n.t('Restored on {0}: {1}.', node, back.changes.map((c) => c.label).join(', ') || '—'), ...back.skipped].join(' ');
  }
}
