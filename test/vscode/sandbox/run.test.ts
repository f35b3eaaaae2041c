/**
 * Running steps from the editor against the built-in sandbox cluster: real sshd hosts, host keys
 * trusted through the modal (fingerprint shown), passwords asked once into SecretStorage, run
 * state in the Steps view.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { StepOutcome } from '../../../src/core/run/runner';
import type { StepItem } from '../../../src/core/tree/model';
import { api, waitFor } from '../support/helpers';

const sandboxHosts: Record<string, { address: string; fingerprint: string }> = JSON.parse(process.env.GLUU_SANDBOX_HOSTS ?? '{}');

async function stepItem(id: string): Promise<StepItem> {
  const items = (await (await api()).steps.getChildren()) as StepItem[];
  const found = items.find((s) => s.stepId === id);
  assert.ok(found, `step ${id}`);
  return found;
}

/** Answers the editor's prompts like an operator: trust keys whose fingerprints match, type passwords. */
async function asOperator<T>(inputs: string[], fn: () => Thenable<T>): Promise<{ result: T; prompts: string[] }> {
  const w = vscode.window as unknown as Record<string, unknown>;
  const saved = { showWarningMessage: w.showWarningMessage, showInputBox: w.showInputBox };
  const prompts: string[] = [];
  w.showWarningMessage = async (message: string, options: vscode.MessageOptions, ...items: string[]) => {
    prompts.push(`${message}\n${options?.detail ?? ''}`);
    const known = Object.values(sandboxHosts).some((h) => options?.detail?.includes(h.fingerprint) && options.detail.includes(h.address));
    return known ? items.find((i) => /Trust/.test(i)) : undefined;
  };
  w.showInputBox = async (o: vscode.InputBoxOptions) => {
    prompts.push(`input: ${o.prompt ?? o.title}${o.password ? ' (password)' : ''}`);
    return inputs.shift();
  };
  try {
    return { result: await fn(), prompts };
  } finally {
    Object.assign(w, saved);
  }
}

describe('running steps on the sandbox cluster', function () {
  this.timeout(120000);

  it('has a sandbox', () => assert.equal(Object.keys(sandboxHosts).length, 3));

  it('runs "hosts" on every host after trusting each host key shown with its SHA256 fingerprint', async () => {
    const a = await api();
    const run = await asOperator([], async () =>
      vscode.commands.executeCommand<StepOutcome>('gluuCluster.runStep', await stepItem('hosts')),
    );
    const outcome = run.result;
    assert.equal(outcome.status, 'done', JSON.stringify(outcome.sequences));
    const trust = run.prompts.filter((p) => p.startsWith('Unknown SSH host key'));
    assert.equal(trust.length, 3, run.prompts.join('\n---\n'));
    for (const [, h] of Object.entries(sandboxHosts))
      assert.ok(
        trust.some((p) => p.includes(h.fingerprint)),
        `asked about ${h.address}`,
      );
    const t = a.steps.getTreeItem(await stepItem('hosts'));
    assert.match(String(t.description), /^done · hosts — /);
    // The lab's hosts already name each other and have their FQDN: the step's check finds it done
    // on each (after connecting, which is what asked about each key).
    assert.deepEqual(
      Object.values(a.runState.step((await a.workspace.clusters())[0].key, 'hosts')?.hosts ?? {}).map((s) => s.status),
      ['already-done', 'already-done', 'already-done'],
    );
    const lb = (await a.nodes.hosts()).find((h) => h.role === 'loadBalancer')!;
    assert.match(
      (a.nodes.getTreeItem(lb).tooltip as vscode.MarkdownString).value,
      /\*\*Last runs on this host\*\*\n\n- `hosts`: already done, /,
    );
  });

  it('asks before running a done step again, and trusted keys are not asked again', async () => {
    const { result, prompts } = await asOperator([], async () =>
      vscode.commands.executeCommand('gluuCluster.runStep', await stepItem('hosts')),
    );
    assert.equal(result, undefined, 'declined: nothing ran');
    assert.equal(prompts.length, 1);
    assert.match(prompts[0], /already ran successfully/);
  });

  it("copies setup.properties with the node's ip", async () => {
    const { result } = await asOperator([], async () =>
      vscode.commands.executeCommand<StepOutcome>('gluuCluster.runStep', await stepItem('setup-properties')),
    );
    assert.equal(result.status, 'done', JSON.stringify(result.sequences));
    assert.equal(result.sequences[0].verified, true);
  });

  it('refuses a step whose prerequisite has not run, names it, and connects nowhere', async () => {
    const { result, prompts } = await asOperator([], async () =>
      vscode.commands.executeCommand<StepOutcome>('gluuCluster.runStep', await stepItem('keystores')),
    );
    assert.equal(result, undefined);
    assert.deepEqual(prompts, [
      '"Update keystores" (keystores) cannot run yet: "Copy certificates" (certs) has not run. Run it first, or mark it done if done by hand.\n',
    ]);
    const a = await api();
    assert.equal(a.runState.step((await a.workspace.clusters())[0].key, 'keystores'), undefined, 'nothing recorded');
  });

  it('running a step again makes what depends on it stale, in the same terminal; running that again clears it', async () => {
    const a = await api();
    const again = async (id: string) =>
      asOperator([], async () => {
        const w = vscode.window as unknown as Record<string, unknown>;
        const warn = w.showWarningMessage as (...args: unknown[]) => Promise<string | undefined>;
        w.showWarningMessage = async (m: string, o: vscode.MessageOptions, ...items: string[]) =>
          /already ran successfully/.test(m) ? 'Run Again' : warn(m, o, ...items);
        return vscode.commands.executeCommand<StepOutcome>('gluuCluster.runStep', await stepItem(id));
      });
    assert.equal((await again('hosts')).result.status, 'done');
    const stale = a.steps.getTreeItem(await stepItem('setup-properties'));
    assert.match(String(stale.description), /^stale · setup-properties — /);
    assert.equal(stale.contextValue, 'gluu.step.stale');
    assert.match((stale.tooltip as vscode.MarkdownString).value, /\*\*Stale\*\*: `hosts` ran again after this step/);
    assert.equal(vscode.window.terminals.filter((t) => t.name === 'Gluu: Host names').length, 1, 'one terminal per step, reused');
    const rerun = await asOperator([], async () =>
      vscode.commands.executeCommand<StepOutcome>('gluuCluster.runStep', await stepItem('setup-properties')),
    );
    assert.deepEqual(rerun.prompts, [], 'a stale step runs without the "run again?" question');
    assert.equal(rerun.result.status, 'done');
    assert.match(String(a.steps.getTreeItem(await stepItem('setup-properties')).description), /^done · /);
  });

  it('Mark as Skipped and Mark as Done record the reason; Reset forgets the step', async () => {
    const a = await api();
    const key = (await a.workspace.clusters())[0].key;
    const w = vscode.window as unknown as Record<string, unknown>;
    const saved = w.showInputBox;
    w.showInputBox = async () => 'the load balancer is managed by the network team';
    try {
      assert.equal(await vscode.commands.executeCommand('gluuCluster.markStepSkipped', await stepItem('nginx')), true);
    } finally {
      w.showInputBox = saved;
    }
    const item = a.steps.getTreeItem(await stepItem('nginx'));
    assert.match(String(item.description), /^skipped by hand · nginx — /);
    assert.match(
      (item.tooltip as vscode.MarkdownString).value,
      /Marked skipped by hand.*the load balancer is managed by the network team/s,
    );
    assert.equal(a.runState.step(key, 'nginx')?.mark?.reason, 'the load balancer is managed by the network team');
    assert.equal(await vscode.commands.executeCommand('gluuCluster.resetStep', await stepItem('nginx')), true);
    assert.equal(a.runState.step(key, 'nginx'), undefined);
    assert.match(String(a.steps.getTreeItem(await stepItem('nginx')).description), /^nginx — /);
  });

  it('configures Redis with a password asked once and kept in SecretStorage', async () => {
    const password = `r3d!s w'rd $ "x" \\ ;`;
    const { result, prompts } = await asOperator([password], async () =>
      vscode.commands.executeCommand<StepOutcome>('gluuCluster.runStep', await stepItem('redis')),
    );
    assert.equal(result.status, 'done', JSON.stringify(result.sequences));
    assert.equal(result.sequences[0].verified, true, 'redis answers with the password and refuses without it');
    assert.deepEqual(prompts.filter((p) => p.startsWith('input:')).length, 1);
    const again = await asOperator(['Run Again'], async () => {
      const w = vscode.window as unknown as Record<string, unknown>;
      const warn = w.showWarningMessage as (...a: unknown[]) => Promise<string | undefined>;
      w.showWarningMessage = async (m: string, o: vscode.MessageOptions, ...items: string[]) =>
        /already ran/.test(m) ? 'Run Again' : warn(m, o, ...items);
      return vscode.commands.executeCommand<StepOutcome>('gluuCluster.runStep', await stepItem('redis'));
    });
    assert.equal(again.result.status, 'done');
    assert.equal(again.prompts.filter((p) => p.startsWith('input:')).length, 0, 'the stored password is used');
  });

  it('Run All Remaining lists what will change and runs nothing when declined', async () => {
    const { result, prompts } = await asOperator([], () => vscode.commands.executeCommand('gluuCluster.runAllRemaining'));
    assert.equal(result, undefined);
    assert.equal(prompts.length, 1);
    assert.match(prompts[0], /Run the remaining steps of "sandbox"\?/);
    assert.match(prompts[0], /• Run setup\.py — idp2\.gluu\.test/);
    assert.match(prompts[0], /• Restart Gluu — /);
    assert.doesNotMatch(prompts[0], /• Host names/, 'done steps are not listed');
  });

  it('opens an SSH terminal on a node', async () => {
    const node = (await (await api()).nodes.hosts()).find((h) => h.role === 'node')!;
    const term = (await vscode.commands.executeCommand('gluuCluster.openSshTerminal', node)) as vscode.Terminal;
    assert.equal(term.name, `SSH: ${node.host}`);
    await waitFor('the terminal to open', () => vscode.window.terminals.includes(term));
    term.dispose();
  });
});
