// Debian's cron daemon on a sandbox host, so crontab lines (csync2's staggered schedule) fire
// as on a real server. Started through its own init script; it forks into the background and
// labDown() ends it with everything else in the host's namespace.
'use strict';
const fs = require('node:fs');
const lab = require('../lab/netns.cjs');
const { writeOn } = require('../lab/sshd.cjs');

// This machine's own system jobs would run on every lab host too, seen through the host's
// overlay: /etc/cron.d/e2scrub_all checks the real machine's LVM volumes (/dev is shared), the
// daily jobs rotate and clean. A lab host keeps its own crontab and users' crontabs only.
const SYSTEM_CRONTAB = [
  "# /etc/crontab of a sandbox host: none of this machine's system jobs (they would act on the",
  "# machine itself through the shared /dev). Users' crontabs (crontab -e) run as usual.",
  'SHELL=/bin/sh',
  'PATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin',
  '',
].join('\n');

/** Starts cron on lab host `name` with no system jobs of this machine's. */
async function startCron(l, name) {
  await writeOn(l, name, '/etc/crontab', SYSTEM_CRONTAB);
  // Removed on the host, they are hidden in its overlay; the machine keeps its own. (The
  // cron.daily and similar folders run only from the /etc/crontab lines left out above.)
  const cronD = lab.mustHostPath(l, name, '/etc/cron.d');
  for (const f of fs.readdirSync(cronD)) if (!f.startsWith('.')) fs.rmSync(`${cronD}/${f}`, { force: true });
  // What Debian's /etc/init.d/cron starts (start_daemon cron, no options), without its LSB
  // helpers' 36 processes: cron forks into the background and writes /var/run/crond.pid, so
  // `service cron status` on the host reports it as usual.
  const r = await lab.runAs(l, name, '/usr/sbin/cron', [], { env: { PATH: '/bin:/usr/bin:/sbin:/usr/sbin' } });
  if (r.code !== 0) throw new Error(`sandbox ${name}: cron exited ${r.code}: ${r.stdout}${r.stderr}`);
}

module.exports = { startCron };
