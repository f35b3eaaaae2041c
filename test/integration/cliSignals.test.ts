/**
 * `gluu-cluster run` killed while a step has a secret file on a host (the sandbox's real sshd):
 * SIGTERM and SIGHUP cancel the run like Ctrl+C, and the file is gone when the CLI has exited;
 * what a run killed with SIGKILL (which cannot be handled) left is removed when the step next
 * runs, before anything else on the host. The redis step's check holds the file while it waits
 * on a cache port that accepts and never answers.
 */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli';
import { REDIS_CONF, REDIS_GLUU_CONF } from '../../src/core/render/redis';
import { REDIS_PASSWORD_FILE } from '../../src/core/plan/steps/redis';
import { lab, shOn } from './lab';
import { sandboxUp, type Sandbox } from './sandbox';

const CACHE = 'idp1.gluu.test';
/** The CLI compiled beside this test (always the source under test, unlike a dist/ that may be stale). */
const CLI = path.join(__dirname, '..', '..', 'src', 'cli.js');

interface Run {
  child: ChildProcess;
  password: string;
  output(): string;
  exit?: { code: number | null; signal: NodeJS.Signals | null };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

describe('the CLI killed while a secret file is on a host', function () {
  this.timeout(120000);
  let sb: Sandbox;
  let home: string;
  const runs: Run[] = [];

  /** `gluu-cluster run --step redis` in its own process, with a password of its own in its environment. */
  const start = (): Run => {
    const password = randomBytes(12).toString('base64url');
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, GLUU_CLUSTER_REDIS_PASSWORD: password };
    delete env.SSH_AUTH_SOCK;
    const child = spawn(
      process.execPath,
      [CLI, 'run', '--yes', '--step', 'redis', '--config', sb.clusterFile, '--host-key', `${CACHE}=${sb.hosts[CACHE].fingerprint}`],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let text = '';
    child.stdout!.on('data', (d) => (text += d));
    child.stderr!.on('data', (d) => (text += d));
    const run: Run = {
      child,
      password,
      output: () => text,
      exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve((run.exit = { code, signal })))),
    };
    runs.push(run);
    return run;
  };
  const onCache = async (script: string, input?: string) => (await lab.runAs(sb.lab, 'idp1', 'sh', ['-c', script], { input })).code === 0;
  /** Waits until this run's check has written its password file (compared on the host, through stdin). */
  const untilItsFileIsThere = async (run: Run) => {
    while (!(await onCache(`cmp -s ${REDIS_PASSWORD_FILE} -`, run.password))) {
      if (run.exit) throw new Error(`the CLI ended before its secret file was written (exit ${run.exit.code}):\n${run.output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  before(async () => {
    sb = await sandboxUp();
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'gluu-cli-signals-'));
    // A cache port that accepts and never answers: the check's redis-cli waits, its password file on disk.
    const address = sb.hosts[CACHE].address;
    lab.daemonAs(sb.lab, 'idp1', 'silent-redis', process.execPath, [
      '-e',
      `require('node:net').createServer(() => undefined).listen(6379, ${JSON.stringify(address)})`,
    ]);
    await lab.waitPort(sb.lab, 'idp1', 6379);
    // Past the check's first test (the include is there), on to the one that uses the password.
    await shOn(sb.lab, 'idp1', `echo 'include ${REDIS_GLUU_CONF}' >> ${REDIS_CONF}`);
    const marked = await main(
      ['mark', 'hosts', 'done', '--reason', 'the sandbox has them', '--config', sb.clusterFile],
      () => undefined,
      process.stderr.write.bind(process.stderr),
    );
    assert.equal(marked, 0);
  });
  afterEach(async () => {
    // A run a failed test left waiting on the silent port.
    for (const r of runs.splice(0)) if (!r.exit) r.child.kill('SIGKILL');
  });
  after(async () => {
    if (home) fs.rmSync(home, { recursive: true, force: true });
    if (sb) await sb.down();
  });

  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    it(`${signal} cancels the run like Ctrl+C and the secret file is gone from the host when the CLI has exited`, async () => {
      const run = start();
      await untilItsFileIsThere(run);
      run.child.kill(signal);
      const exit = await run.exited;
      assert.equal(
        await onCache(`test -e ${REDIS_PASSWORD_FILE}`),
        false,
        `the secret file is removed (the CLI exited with ${JSON.stringify(exit)})`,
      );
      assert.deepEqual(exit, { code: 1, signal: null }, `the CLI handles ${signal} and exits 1:\n${run.output()}`);
      assert.match(run.output(), /^redis: cancelled in /m);
      assert.ok(!run.output().includes(run.password), 'the password is in no output');
    });
  }

  it('what a run killed with SIGKILL left is removed when the step next runs, before anything else on the host', async () => {
    const killed = start();
    await untilItsFileIsThere(killed);
    killed.child.kill('SIGKILL');
    await killed.exited;
    assert.equal(await onCache(`test -e ${REDIS_PASSWORD_FILE}`), true, 'SIGKILL cannot be handled: the file stays');
    // And the temp file of an upload cut off (upload() writes through one beside the file).
    const temp = `/root/.${path.basename(REDIS_PASSWORD_FILE)}.gluu-0123456789ab.tmp`;
    await shOn(sb.lab, 'idp1', `cp ${REDIS_PASSWORD_FILE} ${temp}`);

    const next = start();
    await untilItsFileIsThere(next);
    assert.equal(await onCache(`test -e ${temp}`), false, 'the cut-off upload is gone');
    assert.ok(
      next.output().includes(`${CACHE} | removed secret files an earlier run left behind: ${REDIS_PASSWORD_FILE}, ${temp}\n`),
      next.output(),
    );
    next.child.kill('SIGTERM');
    await next.exited;
    assert.equal(await onCache(`test -e ${REDIS_PASSWORD_FILE}`), false);
  });
});
