/**
 * The Synchronized clocks step's script, run in bash against three kinds of host made of files
 * and stub commands (the paths it writes moved into a temporary folder, the commands it calls
 * recorded): a systemd host with systemd-timesyncd, a host with chrony, and a host with neither,
 * which gets Cluster Manager's ntpdate cron line. Each time the step's check fails before and
 * holds after, and a second run changes nothing. (The sandbox, which has no systemd and no chrony,
 * runs the ntpdate way for real in the whole plan.)
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EXAMPLE_CLUSTER_FILE } from '../../src/core/config/example';
import { parseClusterFile } from '../../src/core/config/parse';
import type { ExecAction } from '../../src/core/plan/actions';
import { planInput, renderStep } from '../../src/core/plan/plan';
import { ntpdateCronLine } from '../../src/core/plan/steps/timeSync';
import { NO_STDIN } from './fakeTools';

describe('the Synchronized clocks step on three kinds of host', () => {
  const config = parseClusterFile(EXAMPLE_CLUSTER_FILE.replace(/servers: \[.*\]/, 'servers: [ntp1.example.org, ntp2.example.org]')).config!;
  const plan = renderStep('time-sync', planInput(config));
  const target = plan.targets[0];
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'gluu-time-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A stub command that records its arguments (and, for crontab, keeps the table in a file). */
  const stub = (name: string, body = '') => {
    const bin = path.join(dir, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(path.join(bin, name), `#!/bin/sh\necho "${name} $*" >> ${dir}/calls\n${body}\n`);
    chmodSync(path.join(bin, name), 0o755);
  };
  const run = (script: string, systemd: boolean) => {
    const text = script
      .replaceAll('/run/systemd/system', systemd ? dir : path.join(dir, 'no-systemd'))
      .replaceAll('/etc/systemd/timesyncd.conf.d', path.join(dir, 'timesyncd.conf.d'))
      .replaceAll('/etc/chrony', path.join(dir, 'chrony'));
    return spawnSync('bash', ['-c', text], { encoding: 'utf8', stdio: NO_STDIN, env: { PATH: `${dir}/bin:/usr/bin:/bin` } });
  };
  const configure = () => (target.actions[0] as ExecAction).script.text;
  const calls = () => (existsSync(`${dir}/calls`) ? readFileSync(`${dir}/calls`, 'utf8') : '');

  it('systemd-timesyncd: a drop-in with the servers, NTP on, the service restarted', () => {
    stub('systemctl');
    stub('timedatectl');
    assert.notEqual(run(target.check!.script.text, true).status, 0, 'not done yet');
    const r = run(configure(), true);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /systemd-timesyncd keeps the clock/);
    assert.equal(
      readFileSync(path.join(dir, 'timesyncd.conf.d', 'gluu-cluster.conf'), 'utf8'),
      '[Time]\nNTP=ntp1.example.org ntp2.example.org\n',
    );
    assert.match(calls(), /^timedatectl set-ntp true$/m);
    assert.match(calls(), /^systemctl restart systemd-timesyncd$/m);
    assert.equal(run(target.check!.script.text, true).status, 0, 'done');
  });

  it('chrony: a conf.d file with the servers, its confdir in chrony.conf once, chrony restarted', () => {
    stub('chronyc');
    stub('service');
    mkdirSync(path.join(dir, 'chrony'));
    writeFileSync(path.join(dir, 'chrony', 'chrony.conf'), 'pool 2.debian.pool.ntp.org iburst\n');
    assert.notEqual(run(target.check!.script.text, false).status, 0, 'not done yet');
    for (let i = 0; i < 2; i++) assert.equal(run(configure(), false).status, 0);
    assert.equal(
      readFileSync(path.join(dir, 'chrony', 'conf.d', 'gluu-cluster.conf'), 'utf8'),
      'server ntp1.example.org iburst\nserver ntp2.example.org iburst\n',
    );
    assert.equal(
      readFileSync(path.join(dir, 'chrony', 'chrony.conf'), 'utf8'),
      'pool 2.debian.pool.ntp.org iburst\nconfdir /etc/chrony/conf.d\n'.replace('/etc/chrony', path.join(dir, 'chrony')),
    );
    assert.match(calls(), /^service chrony restart$/m);
    assert.equal(run(target.check!.script.text, false).status, 0, 'done');
  });

  it("neither: Cluster Manager's ntpdate cron line, once, next to the other lines", () => {
    stub('ntpdate');
    // As crontab does: the new table is read whole before the old one is replaced.
    stub('crontab', `if [ "$1" = -l ]; then cat ${dir}/crontab 2>/dev/null; else t=$(cat); printf '%s\\n' "$t" > ${dir}/crontab; fi`);
    writeFileSync(path.join(dir, 'crontab'), '0 1 * * * backup\n');
    assert.notEqual(run(target.check!.script.text, false).status, 0, 'not done yet');
    for (let i = 0; i < 2; i++) {
      const r = run(configure(), false);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /ntpdate sets the clock every 15 minutes/);
    }
    assert.equal(readFileSync(path.join(dir, 'crontab'), 'utf8'), `0 1 * * * backup\n${ntpdateCronLine(config)}\n`);
    assert.match(
      ntpdateCronLine(config),
      /^\*\/15 \* \* \* \* PATH=\S+ ntpdate -s ntp1\.example\.org ntp2\.example\.org # gluu-cluster ntpdate$/,
    );
    assert.equal(run(target.check!.script.text, false).status, 0, 'done');
  });
});
