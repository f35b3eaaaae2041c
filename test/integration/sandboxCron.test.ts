/**
 * cron on the sandbox's hosts (scripts/sandbox/cron.cjs): a crontab line written on a node over
 * SSH really runs, as csync2's schedule must on a real cluster; and none of this machine's own
 * system jobs run on the hosts.
 */
import * as assert from 'node:assert/strict';
import { sh } from '../../src/core/ssh/shell';
import { lab, readOn, shOn } from './lab';
import { sandboxUp, type Sandbox } from './sandbox';
import { sandboxSsh, type SandboxSsh } from './sandboxSsh';

const NODE = 'idp2.gluu.test';
const FIRED = '/root/cron-fired';

describe('cron on the sandbox hosts', function () {
  // cron runs a line at the next minute boundary: up to 60 s, and the start of the minute after.
  this.timeout(300000);
  let sb: Sandbox;
  let ssh: SandboxSsh;

  before(async () => {
    const can = lab.canUseNetns();
    if (can !== true) throw new Error(`these tests need network namespaces (run as root): ${can}`);
    sb = await sandboxUp();
    ssh = sandboxSsh(sb);
  });
  after(async () => {
    await ssh?.close();
    if (sb) await sb.down();
  });

  it("runs on every host, without the machine's system jobs", async () => {
    for (const host of Object.values(sb.lab.hosts)) {
      assert.match(await shOn(sb.lab, host.name, 'service cron status'), /cron is running/, host.name);
      // (cron skips dot files such as Debian's .placeholder)
      assert.equal(await shOn(sb.lab, host.name, 'ls /etc/cron.d'), '', `${host.name}: no jobs in /etc/cron.d`);
      assert.doesNotMatch(await shOn(sb.lab, host.name, 'cat /etc/crontab'), /run-parts/);
    }
  });

  it('runs a crontab line written on a node over SSH at the next minute', async () => {
    const line = `* * * * * date +\\%s > ${FIRED}`;
    const written = await ssh.run(NODE, sh`{ crontab -l 2>/dev/null; printf '%s\n' ${line}; } | crontab - && crontab -l`);
    assert.equal(written.code, 0, written.stderr);
    assert.ok(written.stdout.includes(line), written.stdout);
    const wrote = Math.floor(Date.now() / 1000);
    // Waits for the file with a deadline: the next minute boundary plus cron's own delay.
    const deadline = Date.now() + 65000;
    let fired = '';
    while (!fired && Date.now() < deadline) {
      fired = readOn(sb.lab, 'idp2', FIRED)?.trim() ?? '';
      if (!fired) await new Promise((r) => setTimeout(r, 500));
    }
    assert.ok(fired, `cron ran the line within 65 s (${NODE})`);
    const at = Number(fired);
    assert.ok(at >= wrote - 1, `it ran after it was written (${at} >= ${wrote})`);
  });
});
