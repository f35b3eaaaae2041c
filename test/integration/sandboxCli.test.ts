/**
 * The headless sandbox CLI (npm run sandbox -- up|status|down, scripts/sandbox/cli.cjs): `up`
 * returns with the hosts running in the background, `status` shows them, `down` leaves nothing
 * behind — no namespaces, no bridge, no folders, no key or password files; a foreground sandbox
 * does the same on Ctrl+C. Each run has a temporary directory of its own, so what it leaves is
 * exactly what is left in it.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from '../unit/paths';
import { lab } from './lab';

const netns = () => execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
const links = () => execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
/**
 * The interface index of the bridge of `subnet`, if there is one. After a lab is down another lab
 * may make a bridge of that name; its index differs (the kernel does not reuse indexes).
 */
const bridgeIndex = (subnet: string) => new RegExp(`^(\\d+): ${lab.bridgeName(subnet)}:`, 'm').exec(links())?.[1];

describe('npm run sandbox -- up, status, down', function () {
  this.timeout(300000);
  let tmp: string;
  const env = () => ({ ...process.env, TMPDIR: tmp });
  const npm = (...args: string[]) =>
    spawnSync('npm', ['run', '--silent', 'sandbox', '--', ...args], { cwd: ROOT, env: env(), encoding: 'utf8', timeout: 240000 });
  /** A line "label: value" of the CLI's output. */
  const field = (out: string, label: string) => new RegExp(`^${label}:\\s+(\\S+)`, 'm').exec(out)?.[1] ?? '';

  before(() => {
    const can = lab.canUseNetns();
    if (can !== true) throw new Error(`these tests need network namespaces (run as root): ${can}`);
  });
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gluu-sandbox-cli-test-'));
  });
  afterEach(() => {
    // A failed test may have left its sandbox up: down from its own state, then the folder.
    if (fs.existsSync(path.join(tmp, 'gluu-sandbox-cli.json'))) npm('down');
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /**
   * What must be gone after down: the namespaces and veth links of lab `id`, its bridge (index
   * `bridge` while it was up), and every file in tmp.
   */
  const assertNothingLeft = (id: string, subnet: string, bridge: string | undefined) => {
    assert.ok(bridge, `the sandbox had a bridge for ${subnet}.0/24`);
    assert.doesNotMatch(netns(), new RegExp(`^${id}-`, 'm'), 'no lab namespaces');
    assert.doesNotMatch(links(), new RegExp(`${id}v\\d`), 'no veth links');
    assert.notEqual(bridgeIndex(subnet), bridge, `no bridge of ${subnet}.0/24`);
    assert.deepEqual(fs.readdirSync(tmp), [], 'no folders, keys, password or state files');
  };

  it('up returns with the sandbox running, status shows what runs where, down removes everything', () => {
    const up = npm('up', '--nodes', '3');
    assert.equal(up.status, 0, up.stdout + up.stderr);
    const [, id, subnet] = /^sandbox (gs[0-9a-f]{4}): 4 hosts on (10\.77\.\d+)\.0\/24/m.exec(up.stdout) ?? [];
    assert.ok(id && subnet, up.stdout);
    const bridge = bridgeIndex(subnet);
    const clusterFile = field(up.stdout, 'cluster file');
    const passwordsFile = field(up.stdout, 'passwords file');
    assert.ok(clusterFile.startsWith(tmp) && passwordsFile.startsWith(tmp), up.stdout);
    assert.match(fs.readFileSync(clusterFile, 'utf8'), /- host: idp3\.gluu\.test/);
    assert.equal(fs.statSync(passwordsFile).mode & 0o777, 0o600);
    const passwords = fs.readFileSync(passwordsFile, 'utf8');
    assert.match(passwords, /directory manager/);
    assert.match(passwords, /^ldap_admin_password=\S{16,}$/m);
    assert.match(up.stdout, /ldap_admin_password, the directory manager's/);
    // up returned: the sandbox runs with no process of the CLI's.
    assert.match(netns(), new RegExp(`^${id}-idp3\\b`, 'm'));

    const status = npm('status');
    assert.equal(status.status, 0, status.stdout + status.stderr);
    assert.match(status.stdout, /^ {2}lb\.gluu\.test +10\.\d+\.\d+\.\d+ +sshd, cron$/m);
    for (const n of [1, 2, 3])
      assert.match(
        status.stdout,
        new RegExp(`^  idp${n}\\.gluu\\.test +10\\.\\d+\\.\\d+\\.\\d+ +sshd, solserver, cron, apache2, oxauth, identity$`, 'm'),
      );
    assert.equal(field(status.stdout, 'cluster file'), clusterFile);
    assert.equal(field(status.stdout, 'passwords file'), passwordsFile);
    // The ssh line it prints works.
    const sshLine = /^ {2}(ssh -i .*)$/m.exec(status.stdout)![1];
    const hostname = execFileSync('sh', ['-c', `${sshLine.replace(/^ssh /, 'ssh -o BatchMode=yes ')} hostname`], { encoding: 'utf8' });
    assert.equal(hostname, 'idp1.gluu.test\n');

    const again = npm('up');
    assert.equal(again.status, 1, 'one sandbox at a time');
    assert.match(again.stderr, /a sandbox is already up/);

    const down = npm('down');
    assert.equal(down.status, 0, down.stdout + down.stderr);
    assert.match(down.stdout, new RegExp(`sandbox ${id} down`));
    assertNothingLeft(id, subnet, bridge);
    const after = npm('status');
    assert.equal(after.status, 1);
    assert.match(after.stdout, /no sandbox is up/);
  });

  it('a foreground sandbox goes down on Ctrl+C and leaves nothing', async () => {
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'sandbox', 'sandbox.cjs'), 'up', '--foreground'], {
      cwd: ROOT,
      env: env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => out.includes('Ctrl+C takes the sandbox down') && resolve());
      void exited.then((code) => reject(new Error(`the sandbox exited (${code}) before it was up:\n${out}`)));
    });
    await ready;
    const [, id, subnet] = /^sandbox (gs[0-9a-f]{4}): \d+ hosts on (10\.77\.\d+)\.0\/24/m.exec(out)!;
    const bridge = bridgeIndex(subnet);
    assert.match(out, /in the foreground \(pid \d+; Ctrl\+C there takes it down\)/);
    child.kill('SIGINT');
    assert.equal(await exited, 0, out);
    assert.match(out, /sandbox down: hosts stopped, files removed/);
    assertNothingLeft(id, subnet, bridge);
  });
});
