/** Puts the cluster files' problems into the Problems panel, at their line and column. */
import * as vscode from 'vscode';
import type { Problem } from '../core/config/types';
import type { ClusterWorkspace } from './clusterWorkspace';

export function toRange(p: Problem): vscode.Range {
  const { start, end } = p.range;
  // A zero-width range is hard to see: underline to the end of the word at least.
  const endCol = end.line === start.line && end.col <= start.col ? start.col + 1 : end.col;
  return new vscode.Range(start.line, start.col, end.line, endCol);
}

export function registerDiagnostics(workspace: ClusterWorkspace): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('gluu-cluster');
  const update = async () => {
    collection.clear();
    for (const c of await workspace.clusters()) {
      collection.set(
        c.uri,
        c.parsed.problems.map((p) => {
          const d = new vscode.Diagnostic(
            toRange(p),
            p.message,
            p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
          );
          d.source = 'Gluu Cluster';
          d.code = p.code;
          return d;
        }),
      );
    }
  };
  // The workspace loads its cluster files once after activation and fires onDidChange then.
  const sub = workspace.onDidChange(() => void update());
  return vscode.Disposable.from(collection, sub);
}
