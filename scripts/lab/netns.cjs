// A throwaway network of "hosts" on this machine: one network namespace per host, joined by a
// bridge, each host with its own hostname and its own copy-on-write file system. Root only.
// Used by the integration tests and the sandbox cluster; nothing outside the namespaces changes
// except the bridge and veth links, which labDown() removes with the hosts' directories.
'use strict';
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const sh = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...opts });

function canUseNetns() {
  if (process.getuid?.() !== 0) return 'not root';
  try {
    sh('ip', ['netns', 'list']);
    return true;
  } catch (e) {
    return `ip netns does not work: ${e.message}`;
  }
}

/** `ip [opts] -batch -` with `lines` (commands without the leading "ip"); throws on the first failure. */
function ipBatch(opts, lines) {
  sh('ip', [...opts, '-batch', '-'], { input: `${lines.join('\n')}\n`, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** The bridge of the lab on 10.77.N.0/24: named by N alone (see reserveSubnet). */
const bridgeName = (subnet) => `gclab${subnet.split('.')[2]}`;

/** Creates the bridge of `subnet`; false when another lab has made it. */
function claimSubnet(subnet) {
  try {
    sh('ip', ['link', 'add', bridgeName(subnet), 'type', 'bridge']);
    return true;
  } catch (e) {
    if (/File exists/.test(e.message)) return false;
    throw e;
  }
}

/**
 * A 10.77.N.0/24 for a new lab, reserved by creating its bridge. Several labs start at once (the
 * integration tests' parallel workers, a sandbox beside them): two that read `ip addr` at the same
 * moment could both find N free and put the same subnet on two bridges. The kernel refuses a
 * second link of a name, so the one whose `ip link add` fails tries the next N.
 */
function reserveSubnet(preferred) {
  if (preferred) {
    if (!claimSubnet(preferred)) throw new Error(`${preferred}.0/24 is another lab's (its bridge ${bridgeName(preferred)} exists)`);
    return preferred;
  }
  const used = sh('ip', ['-o', '-4', 'addr', 'show']);
  for (let i = 0; i < 200; i++) {
    const subnet = `10.77.${((process.pid + i) % 200) + 20}`;
    if (!used.includes(` ${subnet}.`) && claimSubnet(subnet)) return subnet;
  }
  throw new Error('no free 10.77.N.0/24 subnet for a lab');
}

/**
 * Each host gets a copy-on-write view of this machine's file system (overlayfs with / as the
 * lower layer and a per-host upper directory), mounted in its own mount namespace inside its
 * network namespace, with its own hostname. A small holder process keeps those namespaces alive;
 * commands run "on the host" by entering them (nsenter) and its root. So a step that writes
 * /etc/hosts, /etc/csync2.key or /etc/nginx/nginx.conf on a lab host changes only that host.
 *
 * @param {{ id?: string, subnet?: string, hosts: { name: string, hostname: string }[] }} spec
 *   subnet like "10.77.3" (a /24); host i gets .(10+i); the bridge gets .1
 */
let labsMade = 0;

function labUp(spec) {
  const ok = canUseNetns();
  if (ok !== true) throw new Error(`network namespaces unavailable: ${ok}`);
  // Unique per lab, not only per process: a test process may hold two labs at once, and names
  // shared between them would let one lab's teardown delete the other's namespaces and links.
  const id = spec.id ?? `gc${process.pid % 100000}${String.fromCharCode(97 + (labsMade++ % 26))}`;
  const subnet = reserveSubnet(spec.subnet);
  const bridge = bridgeName(subnet);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `gluu-lab-${id}-`));
  const lab = { id, subnet, bridge, dir, hosts: {}, hostsFile: path.join(dir, 'hosts'), children: new Set() };
  // One `ip -batch` for the bridge and every host's namespace and link, then one per host inside
  // its namespace (batch lines cannot take -n): 1 + hosts processes instead of 2 + 6 × hosts.
  const outside = [`addr add ${subnet}.1/24 dev ${bridge}`, `link set ${bridge} up`];
  spec.hosts.forEach((h, i) => {
    const ns = `${id}-${h.name}`;
    const address = `${subnet}.${10 + i + 1}`;
    const veth = `${id}v${i}`.slice(0, 15);
    outside.push(`netns add ${ns}`, `link add ${veth} type veth peer name eth0 netns ${ns}`, `link set ${veth} master ${bridge} up`);
    lab.hosts[h.name] = { name: h.name, ns, address, hostname: h.hostname, root: path.join(dir, h.name) };
  });
  const hostsText = ['127.0.0.1 localhost', ...Object.values(lab.hosts).map((h) => `${h.address} ${h.hostname} ${h.name}`), ''].join('\n');
  fs.writeFileSync(lab.hostsFile, hostsText);
  live.add(lab);
  try {
    ipBatch([], outside);
    for (const h of Object.values(lab.hosts))
      ipBatch(['-n', h.ns], [`addr add ${h.address}/24 dev eth0`, 'link set eth0 up', 'link set lo up']);
    for (const h of Object.values(lab.hosts)) startHolder(lab, h, hostsText);
  } catch (e) {
    labDownSync(lab);
    throw e;
  }
  return lab;
}

const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/** The per-host namespaces: overlay root, /proc, /dev, /sys, private /run and /tmp, hostname. */
function startHolder(lab, h, hostsText) {
  const upper = path.join(h.root, 'upper');
  const work = path.join(h.root, 'work');
  const merged = path.join(h.root, 'merged');
  for (const d of [upper, work, merged, path.join(upper, 'etc')]) fs.mkdirSync(d, { recursive: true });
  // The host's own identity, written into its upper layer before the overlay is mounted.
  fs.writeFileSync(path.join(upper, 'etc', 'hosts'), hostsText);
  fs.writeFileSync(path.join(upper, 'etc', 'hostname'), `${h.hostname}\n`);
  // root's home as a fresh server has it (Debian's /etc/skel), not this machine's: a developer's
  // ~/.bashrc (pyenv, cargo…) is read by bash on every SSH command and cost 120 ms each here.
  const home = path.join(upper, 'root');
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  for (const f of ['.bashrc', '.profile']) {
    const skel = path.join('/etc/skel', f);
    fs.writeFileSync(path.join(home, f), fs.existsSync(skel) ? fs.readFileSync(skel) : '');
  }
  const ready = path.join(h.root, 'ready');
  const script = [
    'set -e',
    `mount -t overlay overlay -o lowerdir=/,upperdir=${upper},workdir=${work} ${merged}`,
    `mount -t proc proc ${merged}/proc`,
    `mount --rbind /dev ${merged}/dev`,
    `mount --rbind /sys ${merged}/sys`,
    `mount -t tmpfs -o mode=755 tmpfs ${merged}/run`,
    `mount -t tmpfs -o mode=1777 tmpfs ${merged}/tmp`,
    // The lab directory stays shared so tests can read logs and exchange files.
    `mkdir -p ${merged}${lab.dir} && mount --bind ${lab.dir} ${merged}${lab.dir}`,
    `hostname ${h.hostname}`,
    `touch ${ready}`,
    `exec chroot ${merged} sleep infinity`,
  ].join('\n');
  const p = spawn('ip', ['netns', 'exec', h.ns, 'unshare', '-m', '--uts', '--propagation', 'private', 'sh', '-c', script], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let err = '';
  p.stderr.on('data', (d) => (err += d));
  const end = Date.now() + 10000;
  while (!fs.existsSync(ready)) {
    if (p.exitCode !== null || Date.now() > end) throw new Error(`lab host ${h.name} did not start: ${err}`);
    // A synchronous pause without starting `sleep` (a process costs more CPU than the wait).
    Atomics.wait(PAUSE, 0, 0, 20);
  }
  // The holder's pid after exec is the chrooted sleep: nsenter targets it.
  h.holder = p;
  h.pid = p.pid;
}

/** argv that runs `cmd args` on host `name` (its namespaces and its root). */
function asHost(lab, name, cmd, args = []) {
  const h = lab.hosts[name];
  return ['nsenter', ['-t', String(h.pid), '-m', '-u', '-n', '-r', '-w', cmd, ...args]];
}

/** Runs to completion as host `name`; returns { code, stdout, stderr }. */
function runAs(lab, name, cmd, args = [], opts = {}) {
  const [c, a] = asHost(lab, name, cmd, args);
  return new Promise((resolve) => {
    const p = spawn(c, a, { stdio: ['pipe', 'pipe', 'pipe'], ...opts });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    // A command that exits without reading its input must not crash the caller with EPIPE.
    p.stdin.on('error', () => {});
    if (opts.input !== undefined) p.stdin.end(opts.input);
    else p.stdin.end();
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// The environment `service` gives an init script (env -i … PATH=…), for the lab's own starts.
const SERVICE_ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' };

/**
 * `/etc/init.d/SCRIPT ACTION` for each script in turn on host `name`, in the clean environment
 * `service` gives them, from one shell: what `service SCRIPT ACTION` runs without the wrapper's
 * own nine processes (basename, env, grep…) per call. For the lab's set-up; what tests and the
 * product do to a host goes through `service` as an operator's would. Fails with the scripts'
 * output when one fails (the rest do not run).
 */
async function initScripts(lab, name, action, scripts) {
  const r = await runAs(lab, name, 'sh', ['-c', `for s; do /etc/init.d/"$s" ${action} || exit $?; done`, 'sh', ...scripts], {
    env: SERVICE_ENV,
  });
  if (r.code !== 0) throw new Error(`on ${name}: ${action} of ${scripts.join(', ')} exited ${r.code}: ${r.stdout}${r.stderr}`);
}

/** Starts a long-running process as host `name`; down() stops it. Output goes to a log file. */
function daemonAs(lab, name, label, cmd, args = [], opts = {}) {
  const [c, a] = asHost(lab, name, cmd, args);
  const log = path.join(lab.dir, `${name}-${label}.log`);
  const fd = fs.openSync(log, 'a');
  const p = spawn(c, a, { stdio: ['ignore', fd, fd], detached: true, ...opts });
  fs.closeSync(fd);
  const child = { label, host: name, log, process: p, exited: new Promise((r) => p.on('exit', (code, signal) => r({ code, signal }))) };
  lab.children.add(child);
  child.stop = async (signal = 'SIGTERM') => {
    if (p.exitCode === null && p.signalCode === null) {
      try {
        process.kill(-p.pid, signal);
      } catch {}
      const t = setTimeout(() => {
        try {
          process.kill(-p.pid, 'SIGKILL');
        } catch {}
      }, 3000);
      await child.exited;
      clearTimeout(t);
    }
    lab.children.delete(child);
  };
  return child;
}

/**
 * Waits until a TCP port listens inside host `name`'s namespace, or with `{ closed: true }` until
 * nothing listens on it any more.
 */
async function waitPort(lab, name, port, ms = 10000, { closed = false } = {}) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (listening(lab, name, port) !== closed) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`port ${port} on ${name} did not ${closed ? 'close' : 'open'} within ${ms} ms`);
}

/**
 * Whether a TCP socket listens on `port` in host `name`'s network namespace: its holder's
 * /proc/PID/net/tcp and tcp6 (what `ss -ltn` reads), without starting a process per poll.
 */
function listening(lab, name, port) {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['tcp', 'tcp6']) {
    let text;
    try {
      text = fs.readFileSync(`/proc/${lab.hosts[name].pid}/net/${table}`, 'utf8');
    } catch {
      continue;
    }
    // "sl local_address rem_address st …": local "ADDR:PORT" in hex, state 0A is LISTEN.
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length > 3 && f[3] === '0A' && f[1].endsWith(`:${hex}`)) return true;
    }
  }
  return false;
}

async function labDown(lab) {
  await Promise.all([...lab.children].map((c) => c.stop()));
  labDownSync(lab);
}

/**
 * Ends everything of the lab without waiting on its daemons (SIGKILL): what labDown() does after
 * stopping them, and all that can run while this process exits.
 */
function labDownSync(lab) {
  live.delete(lab);
  for (const h of Object.values(lab.hosts)) {
    try {
      process.kill(-h.pid, 'SIGKILL');
    } catch {}
    // Anything still running in the namespace was started by us: end it before removing it.
    try {
      const pids = sh('ip', ['netns', 'pids', h.ns]).split('\n').filter(Boolean);
      for (const pid of pids) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {}
      }
    } catch {}
  }
  // The namespaces and the bridge in one `ip -batch`; -force goes on past one that is gone already.
  try {
    ipBatch(['-force'], [...Object.values(lab.hosts).map((h) => `netns del ${h.ns}`), `link del ${lab.bridge}`]);
  } catch {}
  fs.rmSync(lab.dir, { recursive: true, force: true });
}

// Labs of this process that are still up. A process that ends without labDown() (a test runner
// interrupted, an uncaught error, process.exit() in a signal handler) would leave their
// namespaces, bridge and directory behind: they go when it exits, unless the lab was made to
// outlive it (keepOnExit: the sandbox CLI's background mode).
const live = new Set();
process.on('exit', () => {
  for (const l of [...live]) if (!l.keepOnExit) labDownSync(l);
});

/**
 * Where this machine sees a file that host `name` wrote (its overlay's upper directory): the
 * host's own copy, read without entering it. A file the host never wrote is not there (the
 * host sees the machine's own).
 */
function upperPath(lab, name, file) {
  return path.join(lab.hosts[name].root, 'upper', file);
}

/**
 * Where this machine reaches `file` as host `name` sees it, through its holder's root
 * (/proc/PID/root, which resolves in the host's own mount namespace: its overlay, /run, /tmp).
 * Reading, writing or linking there is what the same call run on the host does, without starting
 * a process: each one started here costs ~15 ms of CPU (fork, exec, dynamic linking, most of it in
 * the kernel), and a sandbox's setup started some 300 for files alone.
 *
 * null when a component of the path that exists is a symbolic link: through /proc/PID/root an
 * absolute link would resolve against this machine's root (/var/run → this machine's /run), so
 * such a path is for a command run on the host. Components that do not exist yet are the
 * caller's to make.
 */
function hostPath(lab, name, file) {
  const root = `/proc/${lab.hosts[name].pid}/root`;
  const parts = path.posix.resolve('/', file).split('/').filter(Boolean);
  let p = root;
  for (const part of parts) {
    p = `${p}/${part}`;
    let st;
    try {
      st = fs.lstatSync(p);
    } catch {
      break;
    }
    if (st.isSymbolicLink()) return null;
  }
  return `${root}/${parts.join('/')}`;
}

/** hostPath(), or an error naming the path when a link is on the way (see hostPath). */
function mustHostPath(lab, name, file) {
  const p = hostPath(lab, name, file);
  if (p === null) throw new Error(`${file} on ${name} goes through a symbolic link: change it with a command on the host`);
  return p;
}

/** `mkdir -p` of each path on host `name` (mode 0755 under this process's umask). */
function mkdirOn(lab, name, ...dirs) {
  for (const d of dirs) fs.mkdirSync(mustHostPath(lab, name, d), { recursive: true });
}

/** `ln -sfn target link` on host `name`: the link replaces whatever `link` was. */
function symlinkOn(lab, name, target, link) {
  const p = mustHostPath(lab, name, path.posix.dirname(link));
  const at = `${p}/${path.posix.basename(link)}`;
  fs.rmSync(at, { force: true });
  fs.symlinkSync(target, at);
}

module.exports = {
  canUseNetns,
  bridgeName,
  labUp,
  asHost,
  runAs,
  initScripts,
  daemonAs,
  waitPort,
  labDown,
  labDownSync,
  upperPath,
  hostPath,
  mustHostPath,
  mkdirOn,
  symlinkOn,
};
