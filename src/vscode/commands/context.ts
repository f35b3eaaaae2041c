import type * as vscode from 'vscode';
import type { NodeItem, StepItem } from '../../core/tree/model';
import type { ClusterWorkspace } from '../clusterWorkspace';
import type { LdapHost } from '../ldap/ldapHost';
import type { ProposedContent } from '../plan/generatedFiles';
import type { PlanPreviewProvider } from '../plan/previewProvider';
import type { HealthViewProvider } from '../health/healthView';
import type { RunStateStore } from '../run/runState';
import type { ClusterSecrets } from '../secretSource';
import type { SshSession } from '../ssh/sshSession';
import type { NodesViewProvider } from '../tree/nodesView';

/** What command handlers get: the parts activate() wired together. */
export interface CommandContext {
  extension: vscode.ExtensionContext;
  workspace: ClusterWorkspace;
  nodes: NodesViewProvider;
  proposed: ProposedContent;
  /** The step and plan previews (gluu-cluster-plan documents). */
  preview: PlanPreviewProvider;
  runState: RunStateStore;
  secrets: ClusterSecrets;
  ssh: SshSession;
  /** The LDAP editor's parts, loaded on first use: ldap.get().service / .editors. */
  ldap: LdapHost;
  /** The Cluster Health view and status bar item. */
  health: HealthViewProvider;
}

/** A command handler; tree invocations pass the clicked item, palette invocations pass nothing. */
export type Handler = (ctx: CommandContext, item?: NodeItem & StepItem) => Promise<unknown> | unknown;
