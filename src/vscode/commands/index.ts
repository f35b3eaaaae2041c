/** Registers every command of the extension; package.json declares the same ids. */
import * as vscode from 'vscode';
import { log } from '../log';
import { createClusterFile, openClusterFile, openProblem, refresh } from './clusterFile';
import type { CommandContext, Handler } from './context';
import { editLdap, forgetLdapCertificate, restorePreviousLdapValue } from './ldap';
import { addNode, removeNode, setPrimary } from './nodeEdit';
import { copyAddress, copyHost, revealInClusterFile } from './nodeInfo';
import { generateCsync2Cfg, generateNginxConf, previewPlan, previewStep } from './plan';
import { forgetHostKey, forgetPasswords, openContainerShell, openSshTerminal, runAllRemaining, runNextStep, runStepCommand } from './run';

export const COMMANDS: Record<string, Handler> = {
  'gluuCluster.refresh': refresh,
  'gluuCluster.createClusterFile': createClusterFile,
  'gluuCluster.openClusterFile': openClusterFile,
  'gluuCluster.openProblem': openProblem,
  'gluuCluster.revealInClusterFile': revealInClusterFile,
  'gluuCluster.copyHost': copyHost,
  'gluuCluster.copyAddress': copyAddress,
  'gluuCluster.setPrimary': setPrimary,
  'gluuCluster.addNode': addNode,
  'gluuCluster.removeNode': removeNode,
  'gluuCluster.previewStep': previewStep,
  'gluuCluster.previewPlan': previewPlan,
  'gluuCluster.generateNginxConf': generateNginxConf,
  'gluuCluster.generateCsync2Cfg': generateCsync2Cfg,
  'gluuCluster.runStep': runStepCommand,
  'gluuCluster.runNextStep': runNextStep,
  'gluuCluster.runAllRemaining': runAllRemaining,
  'gluuCluster.openSshTerminal': openSshTerminal,
  'gluuCluster.openContainerShell': openContainerShell,
  'gluuCluster.forgetHostKey': forgetHostKey,
  'gluuCluster.forgetPasswords': forgetPasswords,
  'gluuCluster.editLdap': editLdap,
  'gluuCluster.restorePreviousLdapValue': restorePreviousLdapValue,
  'gluuCluster.forgetLdapCertificate': forgetLdapCertificate,
  'gluuCluster.showLog': () => log().show(),
};

/** Commands that failed in this session (the message the user saw); read by the extension-host tests. */
export const commandFailures: { command: string; message: string }[] = [];

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (item?: unknown) => {
      try {
        // Tree invocations pass the item; keybindings/palette may pass a Uri or nothing.
        const node = item && typeof item === 'object' && ('kind' in item || 'stepId' in item) ? (item as never) : undefined;
        return await handler(ctx, node);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        log().error(`${id} failed`, e instanceof Error ? e : message);
        commandFailures.push({ command: id, message });
        void vscode.window.showErrorMessage(vscode.l10n.t('{0} failed: {1}', id, message));
        return undefined;
      }
    }),
  );
}
