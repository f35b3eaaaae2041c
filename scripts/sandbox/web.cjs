// Stand-ins for a Gluu node's web applications (gluu/web-standin.py): apache2 answers HTTPS on
// 443 with /etc/certs/httpd.{crt,key} and proxies to oxauth (/.well-known, /oxauth) on
// 127.0.0.1:8081 and identity (/identity, /idp) on 127.0.0.1:8082, as on a Gluu 3.1.x node. Each
// is a service with an init script, so the product's restart step (service identity stop &&
// service oxauth restart && service identity start; service oxauth status) runs on the node,
// and a stopped application makes its paths answer 503 there.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const lab = require('../lab/netns.cjs');
const { writeOn } = require('../lab/sshd.cjs');

const DIR = '/opt/gluu/sandbox';
const OXAUTH_PORT = 8081;
const IDENTITY_PORT = 8082;
const SERVICES = ['apache2', 'oxauth', 'identity'];

/** The init script of one stand-in: its settings, then the shared start/stop/status. */
function initScript({ name, what, pidfile, log, args }) {
  return [
    '#!/bin/sh',
    `# /etc/init.d/${name} on a sandbox Gluu node: a SANDBOX STAND-IN for ${what}.`,
    '# Written by scripts/sandbox/web.cjs; the server is /opt/gluu/sandbox/web-standin.py.',
    '### BEGIN INIT INFO',
    `# Provides:          ${name}`,
    '# Default-Start:     2 3 4 5',
    '# Default-Stop:      0 1 6',
    `# Short-Description: ${what} (sandbox stand-in)`,
    '### END INIT INFO',
    `NAME=${name}`,
    `PIDFILE=${pidfile}`,
    `LOG=${log}`,
    `ARGS="${args.join(' ')}"`,
    `. ${DIR}/web-standin.sh`,
    '',
  ].join('\n');
}

/**
 * Installs the three stand-ins on Gluu node `name` and starts them.
 * @param {{ loadBalancer: string }} opts the load balancer's host name: oxAuth's issuer is https://<it>
 */
async function startWebStandIns(l, name, { loadBalancer }) {
  const node = l.hosts[name].hostname;
  const common = ['--node', node];
  const scripts = {
    apache2: initScript({
      name: 'apache2',
      what: "Apache httpd, the node's HTTPS front on 443",
      pidfile: '/var/run/apache2/apache2.pid',
      log: '/var/log/apache2/sandbox-standin.log',
      args: [
        'front',
        '--listen',
        '0.0.0.0:443',
        '--cert',
        '/etc/certs/httpd.crt',
        '--key',
        '/etc/certs/httpd.key',
        ...common,
        '--route',
        `/.well-known=${OXAUTH_PORT}`,
        '--route',
        `/oxauth=${OXAUTH_PORT}`,
        '--route',
        `/identity=${IDENTITY_PORT}`,
        '--route',
        `/idp=${IDENTITY_PORT}`,
      ],
    }),
    oxauth: initScript({
      name: 'oxauth',
      what: "Gluu's oxAuth (Jetty, /oxauth and /.well-known)",
      pidfile: '/var/run/jetty/oxauth.pid',
      log: '/opt/gluu/jetty/oxauth/logs/oxauth.log',
      args: ['app', '--service', 'oxauth', '--listen', `127.0.0.1:${OXAUTH_PORT}`, ...common, '--issuer', `https://${loadBalancer}`],
    }),
    identity: initScript({
      name: 'identity',
      what: "Gluu's oxTrust, the identity service (Jetty, /identity and /idp)",
      pidfile: '/var/run/jetty/identity.pid',
      log: '/opt/gluu/jetty/identity/logs/identity.log',
      args: ['app', '--service', 'identity', '--listen', `127.0.0.1:${IDENTITY_PORT}`, ...common],
    }),
  };
  lab.mkdirOn(l, name, DIR);
  for (const f of ['web-standin.py', 'web-standin.sh'])
    await writeOn(l, name, `${DIR}/${f}`, fs.readFileSync(path.join(__dirname, 'gluu', f), 'utf8'), f.endsWith('.py') ? '755' : '644');
  for (const s of SERVICES) await writeOn(l, name, `/etc/init.d/${s}`, scripts[s], '755');
  await lab.initScripts(l, name, 'start', SERVICES);
}

module.exports = { startWebStandIns, WEB_SERVICES: SERVICES, OXAUTH_PORT, IDENTITY_PORT };
