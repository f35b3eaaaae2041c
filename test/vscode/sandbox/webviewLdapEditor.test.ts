/**
 * The LDAP editor in a real editor against the sandbox's slapd, through its message protocol:
 * the panel opens on a node, loads through the SSH tunnel after the certificate is trusted,
 * saves an edit after showing the diff, refuses a value someone else changed, puts the previous
 * value back, and the plan's LDAP step writes through the same service. (The UI tests click the
 * webview itself.)
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { EditorSnapshot, HostToWebview } from '../../../src/core/ldap/protocol';
import type { StepOutcome } from '../../../src/core/run/runner';
import type { StepItem } from '../../../src/core/tree/model';
import type { LdapEditorPanel } from '../../../src/vscode/ldap/ldapEditorPanel';
import { api, diffTabOpen, readDiff, waitFor } from '../support/helpers';

const hosts: Record<string, { address: string; fingerprint: string }> = JSON.parse(process.env.GLUU_SANDBOX_HOSTS ?? '{}');
const ldap: { passwordFile: string; nodes: Record<string, { fingerprint: string; certFile: string; ldapsUrl: string }> } = JSON.parse(
  process.env.GLUU_SANDBOX_LDAP ?? '{}',
);
const NODE = 'idp1.gluu.test';

/** Answers like an operator: trusts what matches the sandbox's fingerprints, types the password, confirms writes. */
async function asOperator<T>(
  fn: () => Thenable<T> | Promise<T>,
  o: { confirm?: (message: string) => boolean; inputs?: string[] } = {},
): Promise<{ result: T; prompts: string[] }> {
  const w = vscode.window as unknown as Record<string, unknown>;
  const saved = { showWarningMessage: w.showWarningMessage, showInputBox: w.showInputBox };
  const prompts: string[] = [];
  w.showWarningMessage = async (message: string, options: vscode.MessageOptions, ...items: string[]) => {
    prompts.push(`${message}\n${options?.detail ?? ''}`);
    const known = [...Object.values(hosts).map((h) => h.fingerprint), ...Object.values(ldap.nodes).map((n) => n.fingerprint)].some((f) =>
      options?.detail?.includes(f),
    );
    if (/^Unknown (SSH host key|LDAP certificate)/.test(message)) return known ? items.find((i) => /Trust/.test(i)) : undefined;
    // A write is asked over its diff: the operator reads it first.
    if (diffTabOpen('gluu-ldap-diff')) await readDiff('gluu-ldap-diff');
    return o.confirm?.(message) ? items[0] : undefined;
  };
  w.showInputBox = async (opts: vscode.InputBoxOptions) => {
    prompts.push(`input: ${opts.prompt ?? opts.title}${opts.password ? ' (password)' : ''}`);
    return o.inputs ? o.inputs.shift() : readFileSync(ldap.passwordFile, 'utf8');
  };
  try {
    return { result: await fn(), prompts };
  } finally {
    Object.assign(w, saved);
  }
}

/** OpenLDAP's own tools from this machine against the node's LDAPS, as another operator would. */
function ldapTool(tool: 'ldapsearch' | 'ldapmodify', args: string[], input?: string): string {
  const n = ldap.nodes[NODE];
  return execFileSync(tool, ['-x', '-H', n.ldapsUrl, '-D', 'cn=directory manager,o=gluu', '-y', ldap.passwordFile, ...args], {
    encoding: 'utf8',
    env: { ...process.env, LDAPTLS_CACERT: n.certFile },
    input,
  });
}
/** The appliance entry's value of `attribute` as slapd stores it (the first, for a multi-valued one). */
const stored = (attribute: string): string =>
  new RegExp(`^${attribute}: (.*)$`, 'm').exec(
    ldapTool('ldapsearch', [
      '-LLL',
      '-o',
      'ldif-wrap=no',
      '-b',
      'ou=appliances,o=gluu',
      '-s',
      'one',
      '(objectClass=gluuAppliance)',
      attribute,
    ]),
  )![1];
const storedCache = () => JSON.parse(stored('oxCacheConfiguration'));

/**
 * Every message the extension posts to an LDAP editor webview, in order, as the page receives
 * them: recorded at the webview itself while `recordingPosts()` is on (it wraps createWebviewPanel).
 */
const posted: HostToWebview[] = [];

function recordingPosts(): void {
  const w = vscode.window as unknown as Record<string, unknown>;
  const createWebviewPanel = vscode.window.createWebviewPanel;
  before(() => {
    w.createWebviewPanel = (...args: Parameters<typeof createWebviewPanel>) => {
      const panel = createWebviewPanel(...args);
      const postMessage = panel.webview.postMessage.bind(panel.webview);
      panel.webview.postMessage = (m: HostToWebview) => {
        posted.push(m);
        return postMessage(m);
      };
      return panel;
    };
  });
  after(() => {
    w.createWebviewPanel = createWebviewPanel;
  });
}

async function message<T extends HostToWebview['type']>(type: T, after: number): Promise<Extract<HostToWebview, { type: T }>> {
  return waitFor(
    `the panel to post "${type}"`,
    () =>
      posted.slice(after).find((m) => m.type === type || m.type === 'loadFailed' || m.type === 'saveFailed') as
        Extract<HostToWebview, { type: T }> | undefined,
    30000,
  ).then((m) => {
    assert.equal(m.type, type, JSON.stringify(m));
    return m;
  });
}

describe('the LDAP editor on the sandbox cluster', function () {
  this.timeout(120000);
  recordingPosts();
  let panel: LdapEditorPanel;
  let snapshot: EditorSnapshot;

  it('opens from a node, trusts the LDAP certificate shown with its fingerprint, and loads through the SSH tunnel', async () => {
    const a = await api();
    const node = (await a.nodes.hosts()).find((h) => h.host === NODE && h.role === 'primary')!;
    const { result, prompts } = await asOperator(async () => {
      const p = (await vscode.commands.executeCommand('gluuCluster.editLdap', node)) as LdapEditorPanel;
      // The webview posts "ready" once its page runs; the panel then reads LDAP.
      await message('snapshot', 0);
      return p;
    });
    panel = result;
    snapshot = (posted.find((m) => m.type === 'snapshot') as { snapshot: EditorSnapshot }).snapshot;
    const certPrompt = prompts.find((p) => p.startsWith('Unknown LDAP certificate on idp1.gluu.test'));
    assert.ok(certPrompt?.includes(ldap.nodes[NODE].fingerprint), prompts.join('\n---\n'));
    assert.equal(prompts.filter((p) => /^input: Directory Manager password/.test(p)).length, 1);
    assert.equal(panel.panel.title, `LDAP: sandbox (${NODE})`);
    assert.equal(snapshot.cacheAttribute, 'oxCacheConfiguration');
    assert.equal(snapshot.idp[0].configForm, 'string');
    assert.match(snapshot.via, /^SSH tunnel to idp1\.gluu\.test/);
    assert.deepEqual(snapshot.nodes, ['idp1.gluu.test', 'idp2.gluu.test']);
    assert.equal(snapshot.clusterCacheServer, 'idp1.gluu.test:6379');
    // The same command again reveals the one panel of the cluster.
    assert.equal(await vscode.commands.executeCommand('gluuCluster.editLdap', node), panel);
  });

  it('saves an edit after showing the diff and asking, then shows the stored value', async () => {
    const decoded = structuredClone(snapshot.cache!.decoded!) as Record<string, Record<string, unknown>>;
    decoded.cacheProviderType = 'REDIS' as never;
    decoded.redisConfiguration = {
      ...decoded.redisConfiguration,
      redisProviderType: 'CLUSTER',
      servers: 'idp1.gluu.test:6379,idp2.gluu.test:6379',
    };
    const from = posted.length;
    let diffOpen = false;
    const { prompts } = await asOperator(
      async () => {
        await panel.receive({ type: 'save', edits: [{ attribute: 'cache', decoded }] });
        return message('snapshot', from);
      },
      {
        confirm: (m) => {
          diffOpen = diffTabOpen('gluu-ldap-diff');
          return /^Write oxCacheConfiguration to the LDAP server of idp1\.gluu\.test\?/.test(m);
        },
      },
    );
    assert.ok(diffOpen, 'the diff was open while the write was asked');
    assert.equal(prompts.length, 1, prompts.join('\n'));
    assert.ok(posted.slice(from).some((m) => m.type === 'saved'));
    const stored = storedCache();
    assert.equal(stored.cacheProviderType, 'REDIS');
    assert.equal(stored.redisConfiguration.servers, 'idp1.gluu.test:6379,idp2.gluu.test:6379');
    assert.deepEqual(
      stored.memcachedConfiguration,
      (snapshot.cache!.decoded! as Record<string, unknown>).memcachedConfiguration,
      'untouched fields kept',
    );
    snapshot = (posted.filter((m) => m.type === 'snapshot').at(-1) as { snapshot: EditorSnapshot }).snapshot;
    assert.equal(snapshot.canRestore, true);
  });

  it('refuses to overwrite a value someone else changed after it was read', async () => {
    const theirs = { ...storedCache(), cacheProviderType: 'MEMCACHED' };
    const ldif = join(tmpdir(), `gluu-ldap-test-${process.pid}.ldif`);
    writeFileSync(
      ldif,
      `dn: ${snapshot.entryDN}\nchangetype: modify\nreplace: oxCacheConfiguration\noxCacheConfiguration: ${JSON.stringify(theirs)}\n`,
    );
    ldapTool('ldapmodify', ['-f', ldif]);
    const from = posted.length;
    await asOperator(
      () =>
        panel.receive({
          type: 'save',
          edits: [{ attribute: 'cache', decoded: { ...snapshot.cache!.decoded!, cacheProviderType: 'IN_MEMORY' } }],
        }),
      { confirm: () => true },
    );
    const failed = posted.slice(from).find((m) => m.type === 'saveFailed') as Extract<HostToWebview, { type: 'saveFailed' }>;
    assert.ok(failed, JSON.stringify(posted.slice(from)));
    assert.equal(failed.conflict, true);
    assert.match(failed.message, /changed on the server since it was read — reload/);
    assert.equal(storedCache().cacheProviderType, 'MEMCACHED', 'their value stays');
    const reloaded = posted.length;
    await panel.receive({ type: 'reload' });
    snapshot = (await message('snapshot', reloaded)).snapshot;
    assert.equal(snapshot.cache!.decoded!.cacheProviderType, 'MEMCACHED');
  });

  it('puts the previous value back from the panel (Restore Previous), asking first', async () => {
    const before = storedCache();
    const from = posted.length;
    await asOperator(
      () =>
        panel.receive({
          type: 'save',
          edits: [{ attribute: 'cache', decoded: { ...snapshot.cache!.decoded!, cacheProviderType: 'NATIVE_PERSISTENCE' } }],
        }),
      { confirm: () => true },
    );
    await message('snapshot', from);
    assert.equal(storedCache().cacheProviderType, 'NATIVE_PERSISTENCE');
    const declined = posted.length;
    await asOperator(() => panel.receive({ type: 'restorePrevious' }), { confirm: () => false });
    assert.ok(posted.slice(declined).some((m) => m.type === 'saveCancelled'));
    assert.equal(storedCache().cacheProviderType, 'NATIVE_PERSISTENCE', 'nothing restored without the confirmation');
    const restoring = posted.length;
    const { prompts } = await asOperator(() => panel.receive({ type: 'restorePrevious' }), {
      confirm: (m) => /^Put back the values replaced on idp1\.gluu\.test/.test(m),
    });
    assert.equal(prompts.length, 1);
    const saved = posted.slice(restoring).find((m) => m.type === 'saved') as Extract<HostToWebview, { type: 'saved' }>;
    assert.match(saved.message, /Restored on idp1\.gluu\.test: oxCacheConfiguration/);
    snapshot = (await message('snapshot', restoring)).snapshot;
    assert.deepEqual(storedCache(), before);
    assert.equal(snapshot.canRestore, false, 'a restore is not restored again');
  });

  it('never writes invalid JSON, and says why', async () => {
    const from = posted.length;
    const { prompts } = await asOperator(
      () => panel.receive({ type: 'save', edits: [{ attribute: 'cache', raw: '{"cacheProviderType": }' }] }),
      { confirm: () => true },
    );
    const failed = posted.slice(from).find((m) => m.type === 'saveFailed') as Extract<HostToWebview, { type: 'saveFailed' }>;
    assert.match(failed.message, /oxCacheConfiguration: not valid JSON: a value was expected \(line 1, column 23\)/);
    assert.equal(failed.conflict, false);
    assert.deepEqual(prompts, [], 'nothing to confirm');
  });

  it("runs the plan's LDAP step through the same core, then Restore Previous LDAP Value puts the old servers back", async () => {
    const steps = (await (await api()).steps.getChildren()) as StepItem[];
    const step = steps.find((s) => s.stepId === 'ldap-idp-auth')!;
    // Its prerequisite, setup.py on the secondaries, is done by hand on the sandbox: say so, as an operator would.
    const w = vscode.window as unknown as Record<string, unknown>;
    const showInputBox = w.showInputBox;
    w.showInputBox = async () => 'the sandbox nodes come installed';
    try {
      const marked = await vscode.commands.executeCommand<boolean>(
        'gluuCluster.markStepDone',
        steps.find((s) => s.stepId === 'run-setup'),
      );
      assert.equal(marked, true);
    } finally {
      w.showInputBox = showInputBox;
    }
    const { result } = await asOperator(() => vscode.commands.executeCommand<StepOutcome>('gluuCluster.runStep', step));
    assert.equal(result.status, 'done', JSON.stringify(result.sequences));
    const servers = () => JSON.parse(JSON.parse(stored('oxIDPAuthentication')).config).servers;
    assert.deepEqual(servers(), ['idp1.gluu.test:1636', 'idp2.gluu.test:1636']);
    const node = (await (await api()).nodes.hosts()).find((h) => h.host === NODE && h.role === 'primary')!;
    const restored = await asOperator(() => vscode.commands.executeCommand<string>('gluuCluster.restorePreviousLdapValue', node), {
      confirm: (m) => /^Put back the values replaced on idp1\.gluu\.test/.test(m),
    });
    assert.match(restored.result, /Restored on idp1\.gluu\.test: oxIDPAuthentication value 1/);
    assert.deepEqual(servers(), ['localhost:1636']);
  });

  it('Set Redis Password… changes it in Redis and in the cache configuration in one run; the editor keeps the new one', async () => {
    const steps = (await (await api()).steps.getChildren()) as StepItem[];
    const step = (id: string) => steps.find((s) => s.stepId === id)!;
    // The cache configuration first gets the password the redis step set (in the run tests).
    const cache = await asOperator(() => vscode.commands.executeCommand<StepOutcome>('gluuCluster.runStep', step('ldap-cache')));
    assert.equal(cache.result.status, 'done', JSON.stringify(cache.result.sequences));
    assert.deepEqual(cache.prompts, [], 'both passwords are in SecretStorage already');
    const before = storedCache().redisConfiguration.password;
    assert.match(before, /^[A-Za-z0-9+/]+=*$/);

    const next = `n3w "pw" ' ; $(x) \\ ß`;
    const from = posted.length;
    const { prompts } = await asOperator(() => panel.receive({ type: 'changeRedisPassword' }), {
      confirm: (m) => /^Change the Redis password of "sandbox"\?/.test(m),
      inputs: [next],
    });
    assert.deepEqual(
      prompts.map((p) => p.split('\n')[0]),
      [
        'Change the Redis password of "sandbox"?',
        "input: New Redis password (replaces the current one in Redis and in Gluu's cache configuration) (password)",
      ],
      'confirmed first, then the new password asked',
    );
    assert.match(prompts[0], /Redis accepts both passwords while the cache configuration in LDAP changes/);
    // The form reloads: a password is set, not shown.
    const reloaded = await message('snapshot', from);
    const password = (reloaded.snapshot.cache!.decoded!.redisConfiguration as Record<string, unknown>).password;
    assert.equal(typeof password, 'string');
    assert.notEqual(password, before);
    assert.equal(storedCache().redisConfiguration.password, password);
    const ping = (pw: string) =>
      execFileSync('redis-cli', ['-h', hosts[NODE].address, '-p', '6379', 'ping'], {
        encoding: 'utf8',
        env: { ...process.env, REDISCLI_AUTH: pw },
      }).trim();
    assert.equal(ping(next), 'PONG');
    // SecretStorage keeps the new one: the redis step runs again without asking, and verifies.
    const again = await asOperator(() => vscode.commands.executeCommand<StepOutcome>('gluuCluster.runStep', step('redis')), {
      confirm: (m) => /already ran successfully/.test(m),
      inputs: [],
    });
    assert.equal(again.result.status, 'done', JSON.stringify(again.result.sequences));
    assert.equal(again.result.sequences[0].verified, true);
    assert.equal(again.prompts.filter((p) => p.startsWith('input:')).length, 0);
  });
});
