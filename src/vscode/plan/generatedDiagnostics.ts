/**
 * Problems of the workspace's generated files (in the folder gluuCluster.generatedFolder names)
 * in the Problems panel: nginx.conf through a real `nginx -t` where nginx is installed (upstream
 * names mapped to the cluster file's addresses), on open and save, in a trusted workspace only
 * (core/render/nginxCheck.ts says what nginx is kept from reading); csync2.cfg through the
 * structure check and against the cluster's nodes, as you type; openldap-replication.conf against
 * the cluster's nodes (a serverID and a syncrepl for each, no password written in), as you type.
 */
import * as vscode from 'vscode';
import { GENERATED_FILES, generatedFile, type GeneratedFileName } from '../../core/plan/generated';
import { core } from '../core';
import type { ClusterEntry, ClusterWorkspace } from '../clusterWorkspace';
import { debounce } from '../debounce';
import { log } from '../log';
import { generatedFileUri } from './generatedFiles';

export function registerGeneratedDiagnostics(workspace: ClusterWorkspace): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('gluu-cluster-generated');
  const owner = async (doc: vscode.TextDocument): Promise<{ cluster: ClusterEntry; kind: GeneratedFileName } | undefined> => {
    for (const cluster of await workspace.clusters()) {
      for (const { fileName } of GENERATED_FILES) {
        if (generatedFileUri(cluster, fileName).toString() === doc.uri.toString()) return { cluster, kind: fileName };
      }
    }
    return undefined;
  };
  // Cheap test first: most documents are not ours, and reading the cluster files is not free.
  const maybeOurs = (doc: vscode.TextDocument) => (doc.uri.scheme === 'file' ? generatedFile(doc.uri.path)?.fileName : undefined);
  // Each check of a document waits (for the cluster files, for nginx -t), so two can end out of
  // order; only the one started last (on the newest text) may set the document's problems.
  const latest = new Map<string, number>();
  let started = 0;
  const check = async (doc: vscode.TextDocument) => {
    if (!maybeOurs(doc)) return;
    const key = doc.uri.toString();
    const ticket = ++started;
    latest.set(key, ticket);
    const current = () => latest.get(key) === ticket;
    const o = await owner(doc);
    if (!o || !current()) return;
    const text = doc.getText();
    const config = o.cluster.parsed.config;
    if (o.kind === 'openldap-replication.conf') {
      // Against the cluster's nodes: a serverID and a syncrepl per node, no password written in.
      collection.set(
        doc.uri,
        config
          ? core()
              .checkOpenldapReplication(text, config)
              .map((p) => diag(new vscode.Range(p.line, 0, p.line, 1), p.message, vscode.DiagnosticSeverity.Error, 'openldap'))
          : [],
      );
      return;
    }
    if (o.kind === 'csync2.cfg') {
      // Against the cluster's nodes when the cluster file is valid: a foreign host or a second group is flagged.
      const cluster = config ? { nodes: config.nodes.map((n) => n.host) } : undefined;
      collection.set(
        doc.uri,
        core()
          .checkCsync2Cfg(text, cluster)
          .map((p) => diag(new vscode.Range(p.line, p.col, p.line, p.col + 1), p.message, vscode.DiagnosticSeverity.Error, 'csync2')),
      );
      return;
    }
    // Restricted Mode: nginx does not read a file from a workspace the user has not trusted.
    if (!vscode.workspace.isTrusted) {
      log().info(`nginx.conf not checked: the workspace is in Restricted Mode (${vscode.workspace.asRelativePath(doc.uri)})`);
      return;
    }
    const hosts = Object.fromEntries(config ? [config.loadBalancer, ...config.nodes].map((h) => [h.host, h.address]) : []);
    const result = await core().checkNginxConf(text, hosts);
    if (!current()) return;
    if (result.skipped) {
      log().info(`nginx.conf not checked: ${result.skipped}`);
      return;
    }
    collection.set(
      doc.uri,
      result.problems.map((p) => {
        const line = Math.min(p.line ?? 0, Math.max(0, doc.lineCount - 1));
        return diag(
          doc.lineAt(line).range,
          p.message,
          p.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Error,
          'nginx -t',
        );
      }),
    );
  };
  const typing = new Map<string, ReturnType<typeof debounce>>();
  const subs = [
    collection,
    vscode.workspace.onDidOpenTextDocument((d) => void check(d)),
    vscode.workspace.onDidSaveTextDocument((d) => void check(d)),
    // Trusted now: the open nginx.conf files get the check they did not get in Restricted Mode.
    vscode.workspace.onDidGrantWorkspaceTrust(() => vscode.workspace.textDocuments.forEach((d) => void check(d))),
    vscode.workspace.onDidChangeTextDocument((e) => {
      // nginx -t runs on open and save only, not as you type.
      const name = maybeOurs(e.document);
      if (!name || name === 'nginx.conf') return;
      const key = e.document.uri.toString();
      if (!typing.has(key))
        typing.set(
          key,
          debounce(() => void check(e.document), 300),
        );
      typing.get(key)!();
    }),
    vscode.workspace.onDidCloseTextDocument((d) => {
      collection.delete(d.uri);
      latest.delete(d.uri.toString());
      typing.get(d.uri.toString())?.cancel();
      typing.delete(d.uri.toString());
    }),
  ];
  for (const d of vscode.workspace.textDocuments) void check(d);
  return vscode.Disposable.from(...subs, { dispose: () => typing.forEach((t) => t.cancel()) });
}

function diag(range: vscode.Range, message: string, severity: vscode.DiagnosticSeverity, source: string): vscode.Diagnostic {
  const d = new vscode.Diagnostic(range, message, severity);
  d.source = source;
  return d;
}
