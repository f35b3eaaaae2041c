/**
 * `gluu-cluster run`'s host key options against the sandbox's real sshd: --host-key pins (right,
 * wrong, for another host), --record-host-keys writing OpenSSH known_hosts lines to the
 * --known-hosts file that the next run honours without --trust-new-host-keys, and a key on
 * record for the host's name that differs from its address's refused as changed (CheckHostIP).
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli';
import { shOn } from './lab';
import { sandboxUp, type Sandbox } from './sandbox';

const NODE = 'idp1.gluu.test';
const OTHER = 'idp2.gluu.test';
/** The lab sshd's host key (scripts/lab/sshd.cjs). */
const HOST_KEY_PUB = '/etc/ssh/gluu-lab/ssh_host_ed25519_key_22.pub';

describe('the CLI: SSH host key pins and a recorded known_hosts file, on the sandbox sshd', function () {
  this.timeout(120000);
  let sb: Sandbox;
  let home: string;
  let address: string;
  let fingerprint: string;
  const saved = { HOME: process.env.HOME, SSH_AUTH_SOCK: process.env.SSH_AUTH_SOCK };

  /** `gluu-cluster run --step hosts --node idp1.gluu.test …` in this process; its own run state each time. */
  const run = async (...args: string[]): Promise<{ code: number; out: string; err: string }> => {
    let out = '';
    let err = '';
    const state = path.join(home, `state-${Math.random().toString(36).slice(2)}.json`);
    const code = await main(
      ['run', '--yes', '--step', 'hosts', '--node', NODE, '--config', sb.clusterFile, '--state', state, ...args],
      (t) => (out += t),
      (t) => (err += t),
    );
    return { code, out, err };
  };
  const hostsBlock = async () => /# BEGIN gluu-cluster/.test(await shOn(sb.lab, 'idp1', 'cat /etc/hosts'));

  before(async () => {
    sb = await sandboxUp();
    // A node whose /etc/hosts does not know the cluster yet: the hosts step has to write its block.
    await shOn(sb.lab, 'idp1', "printf '127.0.0.1 localhost\\n' > /etc/hosts");
    // ~/.ssh/known_hosts of an empty home: only what a test writes there is on record.
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'gluu-cli-hostkeys-'));
    fs.mkdirSync(path.join(home, '.ssh'));
    process.env.HOME = home;
    delete process.env.SSH_AUTH_SOCK;
    ({ address, fingerprint } = sb.hosts[NODE]);
  });
  beforeEach(() => fs.rmSync(path.join(home, '.ssh', 'known_hosts'), { force: true }));
  after(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    if (home) fs.rmSync(home, { recursive: true, force: true });
    if (sb) await sb.down();
  });

  it('a key on record for the host name that differs from the one presented at its address is refused as changed', async () => {
    // known_hosts names the host with idp2's key, as if idp1.gluu.test were another machine.
    const otherKey = (await shOn(sb.lab, 'idp2', `cat ${HOST_KEY_PUB}`)).trim().split(/\s+/).slice(0, 2).join(' ');
    fs.writeFileSync(path.join(home, '.ssh', 'known_hosts'), `${NODE} ${otherKey}\n`);
    const r = await run('--trust-new-host-keys');
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(
      r.err,
      new RegExp(`WARNING: the host key of ${NODE.replace(/\./g, '\\.')} \\(${address.replace(/\./g, '\\.')}\\) has CHANGED`),
    );
    assert.ok(r.err.includes(`ssh-keygen -R "${NODE}"`), r.err);
    assert.doesNotMatch(r.err, /trusting the new host key/);
    assert.equal(await hostsBlock(), false, 'nothing ran on the host');
  });

  it('a --host-key pin with the right fingerprint connects; a wrong one, or one for another host, is refused', async () => {
    const wrong = await run('--host-key', sb.hosts[OTHER].fingerprint);
    assert.equal(wrong.code, 1);
    assert.ok(
      wrong.err.includes(
        `refusing the unknown host key of ${NODE} (${address}): ssh-ed25519 ${fingerprint}; no --host-key given is for it;`,
      ),
      wrong.err,
    );
    assert.ok(wrong.err.includes(`--host-key ${NODE}=${fingerprint}`), 'says which pin would do');
    const forOther = await run('--host-key', `${OTHER}=${fingerprint}`);
    assert.equal(forOther.code, 1);
    assert.match(forOther.err, /refusing the unknown host key/);
    assert.equal(await hostsBlock(), false, 'nothing ran on the host');

    const right = await run('--host-key', fingerprint);
    assert.equal(right.code, 0, right.out + right.err);
    assert.ok(
      right.err.includes(`accepting the host key of ${NODE} (${address}): ssh-ed25519 ${fingerprint}, as --host-key says`),
      right.err,
    );
    assert.equal(await hostsBlock(), true, 'the step ran');
    for (const pin of [`${NODE}=${fingerprint}`, `${address}=${fingerprint}`]) {
      const r = await run('--host-key', sb.hosts[OTHER].fingerprint, '--host-key', pin, '--force');
      assert.equal(r.code, 0, `${pin}: ${r.err}`);
    }
  });

  it('--record-host-keys writes the trusted key to the --known-hosts file, which the next run honours without --trust-new-host-keys', async () => {
    const file = path.join(home, 'cluster_known_hosts');
    fs.writeFileSync(file, '# keys of the cluster');
    const first = await run('--known-hosts', file, '--record-host-keys', '--trust-new-host-keys', '--force');
    assert.equal(first.code, 0, first.err);
    assert.ok(
      first.err.includes(`trusting the new host key of ${NODE} (${address}) for this run: ssh-ed25519 ${fingerprint}; recorded in ${file}`),
    );
    const hostKey = (await shOn(sb.lab, 'idp1', `cat ${HOST_KEY_PUB}`)).trim().split(/\s+/).slice(0, 2).join(' ');
    assert.equal(fs.readFileSync(file, 'utf8'), `# keys of the cluster\n${NODE},${address} ${hostKey}\n`);
    // OpenSSH finds it under the name and the address, with the sandbox's fingerprint.
    for (const name of [NODE, address]) {
      assert.match(execFileSync('ssh-keygen', ['-F', name, '-f', file], { encoding: 'utf8' }), /found: line 2/, name);
    }
    assert.equal(execFileSync('ssh-keygen', ['-lf', file], { encoding: 'utf8' }).split(/\s+/)[1], fingerprint);

    const next = await run('--known-hosts', file, '--force');
    assert.equal(next.code, 0, next.err);
    assert.doesNotMatch(next.err, /trusting|accepting|refusing/);
    const without = await run('--force');
    assert.equal(without.code, 1, 'the key is known from that file only');
    assert.match(without.err, /refusing the unknown host key/);
    assert.equal(fs.readFileSync(file, 'utf8').split('\n').length, 3, 'recorded once');
  });
});
