/** Commands that read a node's entry: reveal it in the cluster file, copy its host or address. */
import * as vscode from 'vscode';
import type { NodeItem } from '../../core/tree/model';
import { pickCluster, pickHost } from '../pick';
import type { CommandContext } from './context';

const ANY_HOST = ['primary', 'node', 'loadBalancer', 'cache'] as const;

export async function revealInClusterFile(ctx: CommandContext, item?: NodeItem): Promise<void> {
  const host = await pickHost(ctx.nodes, item, [...ANY_HOST], vscode.l10n.t('Reveal which host in the cluster file?'));
  if (!host?.path) return;
  const c = await pickCluster(ctx.workspace, host.clusterKey);
  if (!c) return;
  const r = c.parsed.rangeOf(host.path);
  const editor = await vscode.window.showTextDocument(c.uri);
  const pos = new vscode.Position(r.start.line, r.start.col);
  editor.selection = new vscode.Selection(pos, pos);
  editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

async function copy(ctx: CommandContext, item: NodeItem | undefined, what: 'host' | 'address'): Promise<string | undefined> {
  const host = await pickHost(
    ctx.nodes,
    item,
    [...ANY_HOST],
    what === 'host' ? vscode.l10n.t('Copy the host name of…') : vscode.l10n.t('Copy the address of…'),
  );
  const value = host?.[what];
  if (!value) return undefined;
  await vscode.env.clipboard.writeText(value);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', value), 3000);
  return value;
}

export const copyHost = (ctx: CommandContext, item?: NodeItem) => copy(ctx, item, 'host');
export const copyAddress = (ctx: CommandContext, item?: NodeItem) => copy(ctx, item, 'address');
