// `npm start`: try the extension in a real VS Code in your browser.
//
// Installs the editor if needed (scripts/harness/editor.mjs), builds and packages the
// extension, starts code-server on 127.0.0.1 (port 8080 if free, else a free one; or
// --port N / $PORT) with gluu-cluster.vsix installed, opened on an example workspace
// (the sandbox cluster's workspace when this machine can run it, else
// .cache/try-workspace/, a copy of test/fixtures/workspaces/with-cluster made once and kept
// between runs), and keeps running until Ctrl+C, then stops everything it started.
//
// Options: --port N, --workspace DIR (open another folder), --no-build (use the existing VSIX),
// --no-sandbox (do not start the sandbox cluster; open the example workspace).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { PROJECT_ROOT, ensureEditor, onShutdown, shutdownAll, startCodeServer } from './harness/editor.mjs';

const require = createRequire(import.meta.url);
const { sandboxUp, SANDBOX_STATE_FILE } = require('./sandbox/sandbox.cjs');
const { canUseNetns } = require('./lab/netns.cjs');

const args = process.argv.slice(2);
const arg = (name) => {
  const i = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  return args[i].includes('=') ? args[i].split('=').slice(1).join('=') : args[i + 1];
};
const preferredPort = Number(arg('--port') ?? process.env.PORT ?? 8080);
const VSIX = path.join(PROJECT_ROOT, 'gluu-cluster.vsix');
const TRY_WORKSPACE = path.join(PROJECT_ROOT, '.cache', 'try-workspace');

const SANDBOX_WORKSPACE = path.join(PROJECT_ROOT, '.cache', 'sandbox-workspace');

/**
 * The built-in sandbox cluster (scripts/sandbox/sandbox.cjs): a load balancer and two
 * Gluu-shaped nodes with real sshd, in network namespaces (root only). Its cluster file is
 * written into .cache/sandbox-workspace/ (other files there are kept between runs).
 * Returns { workspace, stop() }, or null when this machine cannot run it.
 */
async function startSandboxCluster() {
  if (args.includes('--no-sandbox')) return null;
  const can = canUseNetns();
  if (can !== true) {
    console.log(`[start] no sandbox cluster (${can}); opening the example workspace instead`);
    return null;
  }
  const sb = await sandboxUp();
  fs.mkdirSync(SANDBOX_WORKSPACE, { recursive: true });
  fs.copyFileSync(sb.clusterFile, path.join(SANDBOX_WORKSPACE, 'gluu-cluster.yaml'));
  // The CLI's run state of the previous sandbox (if the operator ran the CLI here) is not this one's.
  fs.rmSync(path.join(SANDBOX_WORKSPACE, SANDBOX_STATE_FILE), { force: true });
  console.log(
    `[start] sandbox cluster up: ${Object.entries(sb.hosts)
      .map(([h, v]) => `${h} ${v.address}`)
      .join(', ')}`,
  );
  console.log('[start] host key fingerprints (the editor asks you to trust them on first connect):');
  for (const [h, v] of Object.entries(sb.hosts)) console.log(`          ${h.padEnd(16)} ${v.fingerprint}`);
  console.log(`[start] the directory manager's password (the LDAP editor asks for it): ${sb.passwordsFile}`);
  return { workspace: SANDBOX_WORKSPACE, stop: () => sb.down() };
}

function prepareWorkspace() {
  const custom = arg('--workspace');
  if (custom) return path.resolve(custom);
  if (sandbox) return sandbox.workspace;
  if (!fs.existsSync(TRY_WORKSPACE)) {
    fs.mkdirSync(path.dirname(TRY_WORKSPACE), { recursive: true });
    fs.cpSync(path.join(PROJECT_ROOT, 'test', 'fixtures', 'workspaces', 'with-cluster'), TRY_WORKSPACE, {
      recursive: true,
      filter: (s) => path.basename(s) !== '.gitkeep',
    });
    console.log(`[start] example workspace created: ${path.relative(PROJECT_ROOT, TRY_WORKSPACE)} (kept between runs; delete it to reset)`);
  }
  return TRY_WORKSPACE;
}

await ensureEditor();
if (!args.includes('--no-build')) {
  console.log('[start] npm run package');
  const r = spawnSync('npm', ['run', '--silent', 'package'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('[start] packaging failed');
    process.exit(1);
  }
}
if (!fs.existsSync(VSIX)) {
  console.error(`[start] ${VSIX} is missing (run npm run package)`);
  process.exit(1);
}

const sandbox = await startSandboxCluster();
if (sandbox) onShutdown(() => sandbox.stop());
const workspace = prepareWorkspace();
const cs = await startCodeServer({ workspace, installVsix: VSIX, port: preferredPort });
if (cs.port !== preferredPort) console.log(`[start] port ${preferredPort} is busy; using ${cs.port}`);

const url = cs.folderUrl(workspace);
const line = '═'.repeat(Math.min(100, url.length + 8));
console.log(
  `\n${line}\n  Gluu Cluster in VS Code (code-server):\n\n    ${url}\n\n  workspace: ${workspace}\n  Ctrl+C stops it.\n${line}\n`,
);

// Ctrl+C is handled by the harness (stops code-server and the sandbox, then exits). If
// code-server dies on its own, say so and stop the rest.
cs.unexpectedExit.then((info) => {
  console.error(`[start] code-server exited (${JSON.stringify(info)}); its log:\n${cs.logTail(30)}`);
  shutdownAll().finally(() => process.exit(1));
});
setInterval(() => {}, 1 << 30); // keep running until a signal
