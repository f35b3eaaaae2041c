/**
 * The editor's SSH session: one pool for the window, host keys checked against known_hosts and
 * the extension's own trust store (global state), an unknown key accepted only after a modal that
 * shows its SHA256 fingerprint, passwords and passphrases in SecretStorage. None in Restricted Mode.
 */
import * as vscode from 'vscode';
import type { SshPool } from '../../core/ssh/pool';
import type { TrustedHostKey } from '../../core/ssh/types';
import { runCore } from '../core';
import { log } from '../log';
import { askToTrust } from '../trustDialog';
import { requireTrust } from '../workspaceTrust';

const TRUST_KEY = 'gluuCluster.trustedHostKeys';
type Trusted = Record<string, TrustedHostKey[]>;

export class SshSession implements vscode.Disposable {
  private pool: SshPool | undefined;

  constructor(private readonly context: vscode.ExtensionContext) {}

  /** The pool; in Restricted Mode none: every connection (steps, terminals, LDAP) starts here. */
  get(): SshPool {
    requireTrust();
    if (this.pool) return this.pool;
    const { SshPool } = runCore();
    const secrets = this.context.secrets;
    const memento = this.context.globalState;
    this.pool = new SshPool({
      log: (line) => log().info(line),
      trustStore: {
        lookup: async (id) => memento.get<Trusted>(TRUST_KEY, {})[id] ?? [],
        add: async (id, fingerprint, keyType) => {
          const all = memento.get<Trusted>(TRUST_KEY, {});
          if ((all[id] ?? []).some((k) => k.fingerprint === fingerprint)) return;
          await memento.update(TRUST_KEY, { ...all, [id]: [...(all[id] ?? []), { fingerprint, keyType }] });
        },
      },
      confirmUnknownHostKey: (info) =>
        askToTrust(
          // "idp1.example.org (10.0.0.5)": the cluster's name for the host and the address connected to.
          vscode.l10n.t('Unknown SSH host key for {0}', info.name),
          vscode.l10n.t(
            "The host {0} (port {1}) presented a {2} key with fingerprint\n\n{3}\n\nCompare it with the host's own (on the host: ssh-keygen -lf /etc/ssh/ssh_host_{4}_key.pub). Trust it only if they match.",
            info.name,
            String(info.port),
            info.keyType,
            info.fingerprint,
            info.keyType.replace(/^ssh-/, '').replace(/-.*$/, ''),
          ),
        ),
      credentials: {
        password: async (req) => {
          const id = `gluuCluster:ssh-password:${req.target}`;
          const stored = req.attempt === 1 ? await secrets.get(id) : undefined;
          if (stored) return stored;
          const v = await vscode.window.showInputBox({
            title: vscode.l10n.t('SSH password for {0}', req.target),
            prompt: req.attempt > 1 ? vscode.l10n.t('The server refused the password; try again.') : undefined,
            password: true,
            ignoreFocusOut: true,
          });
          if (v !== undefined) await secrets.store(id, v);
          return v;
        },
        passphrase: async (req) => {
          const id = `gluuCluster:ssh-passphrase:${req.keyFile}`;
          const stored = req.attempt === 1 ? await secrets.get(id) : undefined;
          if (stored) return stored;
          const v = await vscode.window.showInputBox({
            title: vscode.l10n.t('Passphrase for {0}', req.keyFile),
            password: true,
            ignoreFocusOut: true,
          });
          if (v !== undefined) await secrets.store(id, v);
          return v;
        },
        keyboardInteractive: async (req) => {
          const answers: string[] = [];
          for (const p of req.prompts) {
            const v = await vscode.window.showInputBox({
              title: req.name || req.target,
              prompt: `${req.instructions ? `${req.instructions} ` : ''}${p.prompt}`,
              password: !p.echo,
              ignoreFocusOut: true,
            });
            if (v === undefined) return undefined;
            answers.push(v);
          }
          return answers;
        },
        secretOutcome: (o) => {
          // A stored password the server refused is dropped, so the next attempt asks.
          if (!o.accepted)
            void secrets.delete(o.kind === 'password' ? `gluuCluster:ssh-password:${o.target}` : `gluuCluster:ssh-passphrase:${o.keyFile}`);
        },
      },
    });
    return this.pool;
  }

  async forgetHostKey(id: string): Promise<boolean> {
    const all = this.context.globalState.get<Trusted>(TRUST_KEY, {});
    if (!all[id]) return false;
    delete all[id];
    await this.context.globalState.update(TRUST_KEY, all);
    await this.pool?.closeAll();
    return true;
  }

  trustedHostKeyIds(): string[] {
    return Object.keys(this.context.globalState.get<Trusted>(TRUST_KEY, {}));
  }

  dispose(): void {
    void this.pool?.closeAll();
  }
}
