/** Registers every command of the extension; package.json declares the same ids. */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { log } from '../log';
import { trustedOrExplain } from '../workspaceTrust';
import { createClusterFile, openClusterFile, openProblem, refresh } from './clusterFile';
import type { CommandContext, Handler } from './context';
import { checkHealth, enterPassword, openTerminalOnRow, runFix, showDetails } from './health';
import { editLdap, forgetLdapCertificate, restorePreviousLdapValue } from './ldap';
import { addNode, removeNode, setPrimary } from './nodeEdit';
import { copyAddress, copyHost, revealInClusterFile } from './nodeInfo';
import { generateCsync2Cfg, generateNginxConf, generateOpenldapReplication, previewPlan, previewStep } from './plan';
import { commandTitles } from './titles';
import {
  changeRedisPassword,
  forgetHostKey,
  forgetPasswords,
  joinNode,
  removeNodeFromCluster,
  markStepDone,
  markStepSkipped,
  openContainerShell,
  openSshTerminal,
  resetStep,
  runAllRemaining,
  runNextStep,
  runStepCommand,
  verifyCluster,
} from './run';

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
  'gluuCluster.generateOpenldapReplication': generateOpenldapReplication,
  'gluuCluster.runStep': runStepCommand,
  'gluuCluster.runNextStep': runNextStep,
  'gluuCluster.runAllRemaining': runAllRemaining,
  'gluuCluster.markStepDone': markStepDone,
  'gluuCluster.markStepSkipped': markStepSkipped,
  'gluuCluster.resetStep': resetStep,
  'gluuCluster.openSshTerminal': openSshTerminal,
  'gluuCluster.openContainerShell': openContainerShell,
  'gluuCluster.forgetHostKey': forgetHostKey,
  'gluuCluster.forgetPasswords': forgetPasswords,
  'gluuCluster.changeRedisPassword': changeRedisPassword,
  'gluuCluster.editLdap': editLdap,
  'gluuCluster.restorePreviousLdapValue': restorePreviousLdapValue,
  'gluuCluster.forgetLdapCertificate': forgetLdapCertificate,
  'gluuCluster.verifyCluster': verifyCluster,
  'gluuCluster.joinNode': joinNode,
  'gluuCluster.removeNodeFromCluster': removeNodeFromCluster,
  'gluuCluster.checkHealth': (ctx, item) => checkHealth(ctx, ctx.health, item),
  'gluuCluster.healthRunFix': runFix,
  'gluuCluster.healthEnterPassword': (ctx, item) => enterPassword(ctx, ctx.health, item),
  'gluuCluster.healthOpenTerminal': openTerminalOnRow,
  'gluuCluster.healthShowDetails': showDetails,
  'gluuCluster.showLog': () => log().show(),
};

/**
 * Commands that run or connect because of what the workspace holds (its cluster file's hosts, its
 * generated files): refused in Restricted Mode (workspaceTrust.ts).
 */
export const NEEDS_TRUST: ReadonlySet<string> = new Set([
  'gluuCluster.runStep',
  'gluuCluster.runNextStep',
  'gluuCluster.runAllRemaining',
  'gluuCluster.changeRedisPassword',
  'gluuCluster.openSshTerminal',
  'gluuCluster.openContainerShell',
  'gluuCluster.editLdap',
  'gluuCluster.restorePreviousLdapValue',
  'gluuCluster.checkHealth',
  'gluuCluster.verifyCluster',
  'gluuCluster.joinNode',
  'gluuCluster.removeNodeFromCluster',
  'gluuCluster.healthRunFix',
  'gluuCluster.healthEnterPassword',
  'gluuCluster.healthOpenTerminal',
]);

/**
 * id → the title people see in menus and the palette, in the editor's language when the
 * extension has a package.nls.<language>.json; read on the first failure, not at activation.
 */
function titlesOf(extension: vscode.ExtensionContext): () => Map<string, string> {
  let titles: Map<string, string> | undefined;
  return () => {
    if (titles) return titles;
    const dir = extension.extensionPath;
    const localized = path.join(dir, `package.nls.${vscode.env.language}.json`);
    let nls: Record<string, string> = {};
    try {
      nls = JSON.parse(readFileSync(existsSync(localized) ? localized : path.join(dir, 'package.nls.json'), 'utf8'));
    } catch (e) {
      log().warn(`cannot read the command titles: ${e instanceof Error ? e.message : String(e)}`);
    }
    titles = commandTitles(extension.extension.packageJSON, nls);
    return titles;
  };
}

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  const titles = titlesOf(ctx.extension);
  return Object.entries(COMMANDS).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (item?: unknown) => {
      try {
        if (NEEDS_TRUST.has(id) && !(await trustedOrExplain())) return undefined;
        // Tree invocations pass the item; keybindings/palette may pass a Uri or nothing.
        // The LDAP editor passes only the cluster ({ clusterKey }).
        const node =
          item && typeof item === 'object' && ('kind' in item || 'stepId' in item || 'clusterKey' in item) ? (item as never) : undefined;
        return await handler(ctx, node);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        log().error(`${id} failed`, e instanceof Error ? e : message);
        // "Run Step failed: …": the action as the user knows it, not the command id.
        void vscode.window.showErrorMessage(vscode.l10n.t('{0} failed: {1}', titles().get(id) ?? id, message));
        return undefined;
      }
    }),
  );
}
