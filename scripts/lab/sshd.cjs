// A real OpenSSH sshd on a lab host (see netns.cjs): its own host key, sshd_config and root
// authorized_keys, all under the lab host's private /etc and /root, started with daemonAs so
// labDown() stops it. No shell strings: every command runs from an argv.
'use strict';
const { execFileSync } = require('node:child_process');
const nodeCrypto = require('node:crypto');
const fs = require('node:fs');
const { runAs, daemonAs, waitPort, hostPath, mkdirOn, mustHostPath } = require('./netns.cjs');

const DIR = '/etc/ssh/gluu-lab';

async function must(lab, host, cmd, args, input) {
  const r = await runAs(lab, host, cmd, args, input === undefined ? {} : { input });
  if (r.code !== 0) throw new Error(`on ${host}: ${cmd} ${args.join(' ')} exited ${r.code}: ${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** Writes a file on a lab host (its private file system) from a string. */
async function writeOn(lab, host, file, text, mode = '644') {
  const at = hostPath(lab, host, file);
  if (at !== null) {
    // As dd would on the host: an existing file is truncated and keeps its owner.
    fs.writeFileSync(at, text);
    fs.chmodSync(at, parseInt(mode, 8));
    return;
  }
  // Through a symbolic link: written on the host, where the link resolves as the host sees it.
  // dd reads fd 0 itself (runAs gives a socket as stdin, which /dev/stdin cannot reopen).
  await must(lab, host, 'dd', [`of=${file}`, 'status=none'], text);
  await must(lab, host, 'chmod', [mode, file]);
}

/**
 * Starts sshd on `hostName`.
 * @param {object} lab from labUp()
 * @param {string} hostName lab host name
 * @param {{ clientPublicKey: string, passwordAuth?: boolean, kbdInteractive?: boolean, port?: number,
 *           listenAddress?: string, newHostKey?: boolean }} opts
 *   listenAddress: default all addresses of the host; newHostKey: replace an existing host key;
 *   sessionEnv: variables every SSH session gets (sshd's SetEnv; values without spaces).
 * @returns {Promise<{ host: string, address: string, port: number, hostPublicKey: string,
 *   fingerprint: string, log: string, pid: number, stop(): Promise<void> }>}
 *   fingerprint is `ssh-keygen -lf` of the host key ("SHA256:...").
 */
async function startSshd(lab, hostName, opts) {
  const { clientPublicKey, passwordAuth = false, kbdInteractive = false, port = 22, listenAddress, newHostKey = false, sessionEnv } = opts;
  if (!clientPublicKey) throw new Error('startSshd needs clientPublicKey');
  const h = lab.hosts[hostName];
  const key = `${DIR}/ssh_host_ed25519_key_${port}`;
  const config = `${DIR}/sshd_config_${port}`;
  const pidFile = `/run/sshd-gluu-lab-${port}.pid`;
  mkdirOn(lab, hostName, DIR, '/run/sshd', '/root/.ssh');
  fs.chmodSync(mustHostPath(lab, hostName, '/run/sshd'), 0o755);
  fs.chmodSync(mustHostPath(lab, hostName, '/root/.ssh'), 0o700);
  const keyAt = mustHostPath(lab, hostName, key);
  if (!fs.existsSync(keyAt) || newHostKey) {
    for (const f of [keyAt, `${keyAt}.pub`]) fs.rmSync(f, { force: true });
    await must(lab, hostName, 'ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `lab-${hostName}-${port}`, '-f', key]);
  }
  await writeOn(lab, hostName, '/root/.ssh/authorized_keys', clientPublicKey.trim() + '\n', '600');
  if (kbdInteractive) {
    // The lab host's own PAM stack for sshd: just the password from its private /etc/shadow
    // (the machine's stack also wants loginuid and friends, which a namespace cannot give).
    await writeOn(
      lab,
      hostName,
      '/etc/pam.d/sshd',
      ['auth required pam_unix.so nodelay', 'account required pam_unix.so', 'session required pam_unix.so', ''].join('\n'),
    );
  }
  const lines = [
    `ListenAddress ${listenAddress ?? '0.0.0.0'}:${port}`,
    `HostKey ${key}`,
    `PidFile ${pidFile}`,
    'AuthorizedKeysFile .ssh/authorized_keys',
    'StrictModes no',
    'PermitRootLogin yes',
    'PubkeyAuthentication yes',
    `PasswordAuthentication ${passwordAuth ? 'yes' : 'no'}`,
    `KbdInteractiveAuthentication ${kbdInteractive ? 'yes' : 'no'}`,
    `UsePAM ${kbdInteractive ? 'yes' : 'no'}`,
    'PermitEmptyPasswords no',
    'MaxAuthTries 10',
    'UseDNS no',
    'AllowTcpForwarding yes',
    'Subsystem sftp internal-sftp',
    'PrintMotd no',
    'LogLevel VERBOSE',
    ...(sessionEnv && Object.keys(sessionEnv).length
      ? [
          `SetEnv ${Object.entries(sessionEnv)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')}`,
        ]
      : []),
    '',
  ];
  await writeOn(lab, hostName, config, lines.join('\n'), '600');
  await must(lab, hostName, '/usr/sbin/sshd', ['-t', '-f', config]);
  const daemon = daemonAs(lab, hostName, `sshd-${port}`, '/usr/sbin/sshd', ['-D', '-e', '-f', config]);
  await waitPort(lab, hostName, port);
  const hostPublicKey = fs.readFileSync(`${keyAt}.pub`, 'utf8').trim();
  // What `ssh-keygen -lf` prints: SHA-256 of the key blob, base64 without padding.
  const fingerprint = `SHA256:${nodeCrypto
    .createHash('sha256')
    .update(Buffer.from(hostPublicKey.split(/\s+/)[1], 'base64'))
    .digest('base64')
    .replace(/=+$/, '')}`;
  return {
    host: hostName,
    address: listenAddress ?? h.address,
    port,
    hostPublicKey,
    fingerprint,
    log: daemon.log,
    pid: daemon.process.pid,
    stop: () => daemon.stop(),
  };
}

/** Sets root's password on a lab host (its /etc/shadow is private to it). Input on stdin, not argv. */
async function setRootPassword(lab, hostName, password) {
  if (password.includes('\n')) throw new Error('a password for chpasswd cannot contain a newline');
  await must(lab, hostName, 'chpasswd', [], `root:${password}\n`);
}

/** [pid, ppid, comm] of the processes in the lab host's network namespace. */
function nsProcesses(lab, hostName) {
  const out = execFileSync('ip', ['netns', 'pids', lab.hosts[hostName].ns], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .flatMap((pid) => {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return [{ pid, ppid, comm }];
      } catch {
        return [];
      }
    });
}

/** PIDs of the sshd processes serving connections of the listener `listenerPid` (its descendants). */
function sshdSessionPids(lab, hostName, listenerPid) {
  const procs = nsProcesses(lab, hostName);
  const below = new Set([listenerPid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of procs) {
      if (!below.has(p.pid) && below.has(p.ppid)) {
        below.add(p.pid);
        grew = true;
      }
    }
  }
  return procs.filter((p) => p.pid !== listenerPid && below.has(p.pid) && p.comm === 'sshd').map((p) => p.pid);
}

/**
 * Kills (SIGKILL, by pid) the sshd processes serving the connections of one sshd listener on a
 * lab host, leaving the listener running: clients see their connections die as if sshd crashed.
 */
function killSshdSessions(lab, hostName, listenerPid) {
  const killed = [];
  for (const pid of sshdSessionPids(lab, hostName, listenerPid)) {
    try {
      process.kill(pid, 'SIGKILL');
      killed.push(pid);
    } catch {}
  }
  return killed;
}

/** libfaketime's preload library on this machine (Debian package libfaketime). */
function faketimeLibrary() {
  for (const d of fs.readdirSync('/usr/lib')) {
    const f = `/usr/lib/${d}/faketime/libfaketime.so.1`;
    if (fs.existsSync(f)) return f;
  }
  throw new Error('libfaketime is not installed (scripts/install-system-deps.sh installs it)');
}

/**
 * sshd's session variables that make every command of an SSH session see the host's clock
 * `seconds` ahead (negative: behind), while the machine's clock stays as it is: libfaketime,
 * preloaded. Monotonic clocks are left alone (timeouts and sleeps keep working).
 */
function shiftedClockEnv(seconds) {
  return { LD_PRELOAD: faketimeLibrary(), FAKETIME: `${seconds > 0 ? '+' : ''}${seconds}s`, FAKETIME_DONT_FAKE_MONOTONIC: '1' };
}

module.exports = { shiftedClockEnv, startSshd, setRootPassword, sshdSessionPids, killSshdSessions, writeOn, nsProcesses };
