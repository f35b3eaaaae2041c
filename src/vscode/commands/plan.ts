/** Preview a step or the whole plan; generate nginx.conf and csync2.cfg into the workspace. */
import * as vscode from 'vscode';
import { core } from '../core';
import type { GeneratedFileName } from '../../core/plan/generated';
import type { NodeItem, StepItem } from '../../core/tree/model';
import { isNode, isStep, pickValidCluster } from '../pick';
import { generateFile } from '../plan/generatedFiles';
import { previewUri } from '../plan/previewProvider';
import type { CommandContext } from './context';

async function pickStep(title: string): Promise<string | undefined> {
  const picked = await vscode.window.showQuickPick(
    core().STEPS.map((s, i) => ({ label: `${i + 1}. ${s.title}`, description: s.id, detail: s.summary, id: s.id })),
    { placeHolder: title, matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.id;
}

async function open(ctx: CommandContext, uri: vscode.Uri): Promise<vscode.TextDocument> {
  await ctx.preview.current(uri);
  // The .sh path gives shell highlighting.
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { preview: true });
  return doc;
}

/** From a step in the tree, a node's menu (then pick the step) or the palette (pick both). */
export async function previewStep(ctx: CommandContext, item?: NodeItem | StepItem): Promise<vscode.TextDocument | undefined> {
  const cluster = await pickValidCluster(ctx.workspace, item?.clusterKey);
  if (!cluster) return undefined;
  const node = isNode(item) ? item.host : undefined;
  const stepId = isStep(item)
    ? item.stepId
    : await pickStep(node ? vscode.l10n.t('Preview which step on {0}?', node) : vscode.l10n.t('Preview which step?'));
  if (!stepId) return undefined;
  return open(ctx, previewUri(cluster.key, stepId, node));
}

export async function previewPlan(ctx: CommandContext, item?: NodeItem | StepItem): Promise<vscode.TextDocument | undefined> {
  const cluster = await pickValidCluster(ctx.workspace, item?.clusterKey);
  if (!cluster) return undefined;
  return open(ctx, previewUri(cluster.key));
}

async function generate(ctx: CommandContext, item: NodeItem | StepItem | undefined, name: GeneratedFileName) {
  const cluster = await pickValidCluster(ctx.workspace, item?.clusterKey);
  if (!cluster) return undefined;
  return generateFile(ctx.extension, ctx.proposed, cluster, name);
}

export const generateNginxConf = (ctx: CommandContext, item?: NodeItem | StepItem) => generate(ctx, item, 'nginx.conf');
export const generateCsync2Cfg = (ctx: CommandContext, item?: NodeItem | StepItem) => generate(ctx, item, 'csync2.cfg');
export const generateOpenldapReplication = (ctx: CommandContext, item?: NodeItem | StepItem) =>
  generate(ctx, item, 'openldap-replication.conf');
