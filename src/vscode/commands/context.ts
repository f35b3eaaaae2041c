import type * as vscode from 'vscode';
import type { NodeItem } from '../../core/tree/model';
import type { ClusterWorkspace } from '../clusterWorkspace';
import type { NodesViewProvider } from '../tree/nodesView';

/** What command handlers get: the parts activate() wired together. */
export interface CommandContext {
  extension: vscode.ExtensionContext;
  workspace: ClusterWorkspace;
  nodes: NodesViewProvider;
}

/** A command handler; tree invocations pass the clicked item, palette invocations pass nothing. */
export type Handler = (ctx: CommandContext, item?: NodeItem) => Promise<unknown> | unknown;
