/**
 * The load balancer: NGINX installed, the primary's Apache certificate and key relayed to
 * /etc/nginx/ssl, the generated (or user-edited) nginx.conf pushed, checked with nginx -t and
 * reloaded. When the check fails the nginx.conf this run replaced is put back, so nothing changes.
 * The load balancer's own nginx.conf, from before the first push, is kept for good.
 */
import { primaryNode } from '../../config/resolve';
import { NGINX_CONF_PATH, NGINX_SSL_DIR } from '../../render/nginx';
import { and, sh } from '../../ssh/shell';
import { generatedUpload } from '../generated';
import type { StepRenderer } from '../stepPlan';
import { CERTS_DIR, ensurePackage, exec } from './common';

/** The nginx.conf from before the first push: made once, never overwritten (a later run would back up its own file). */
const BACKUP = `${NGINX_CONF_PATH}.gluu-cluster.bak`;
/** The nginx.conf this run replaces: what a failed nginx -t puts back. */
const PREVIOUS = `${NGINX_CONF_PATH}.gluu-cluster.prev`;
const STAGED = `${NGINX_CONF_PATH}.gluu-cluster.new`;

export const renderNginx: StepRenderer = (input, resolved) => {
  const { config } = input;
  const primary = primaryNode(config);
  const lb = resolved.targets[0].host;
  return {
    before: [],
    targets: [
      {
        host: lb,
        label: `${lb} (load balancer)`,
        actions: [
          exec(lb, 'install nginx', ensurePackage('nginx', 'nginx'), false),
          exec(lb, `create ${NGINX_SSL_DIR}`, sh`mkdir -p ${NGINX_SSL_DIR} && chmod 755 ${NGINX_SSL_DIR}`, false),
          {
            kind: 'relay',
            title: `copy httpd.crt from ${primary.host}`,
            from: { host: primary.host, path: `${CERTS_DIR}/httpd.crt`, container: true },
            to: { host: lb, path: `${NGINX_SSL_DIR}/httpd.crt`, container: false },
            mode: 0o644,
          },
          {
            kind: 'relay',
            title: `copy httpd.key from ${primary.host}`,
            from: { host: primary.host, path: `${CERTS_DIR}/httpd.key`, container: true },
            to: { host: lb, path: `${NGINX_SSL_DIR}/httpd.key`, container: false },
            mode: 0o600,
          },
          generatedUpload(input, 'nginx.conf', 'stage', { host: lb, path: STAGED, container: false }),
          exec(
            lb,
            'install it, check it with nginx -t (the old one comes back if the check fails) and reload',
            and(
              sh`rm -f ${PREVIOUS}`,
              sh`{ ! test -f ${NGINX_CONF_PATH} || cp -p ${NGINX_CONF_PATH} ${PREVIOUS}; }`,
              sh`{ test -e ${BACKUP} || ! test -f ${NGINX_CONF_PATH} || cp -p ${NGINX_CONF_PATH} ${BACKUP}; }`,
              sh`mv -f ${STAGED} ${NGINX_CONF_PATH}`,
              // Back to what this run found: the file it replaced, or none.
              sh`{ nginx -t || { if test -f ${PREVIOUS}; then cp -p ${PREVIOUS} ${NGINX_CONF_PATH}; else rm -f ${NGINX_CONF_PATH}; fi; false; }; }`,
              // A daemon started from an SSH command must not keep the session's output open.
              sh`if [ -d /run/systemd/system ]; then systemctl reload-or-restart nginx; else nginx -s reload 2>/dev/null || nginx </dev/null >/dev/null 2>&1; fi`,
            ),
            false,
          ),
        ],
        check: {
          script: and(
            sh`test -f ${`${NGINX_SSL_DIR}/httpd.key`}`,
            sh`grep -qF ${`server_name ${config.loadBalancer.host};`} ${NGINX_CONF_PATH}`,
            sh`nginx -t`,
          ),
          container: false,
        },
        verify: { script: and(sh`nginx -t`, sh`test -s ${`${NGINX_SSL_DIR}/httpd.crt`}`), container: false },
      },
    ],
    after: [],
    notes: [
      'Changes from the manual\'s sample: the http→https redirect names the load balancer (the manual has "loadbalance.example.org"), TLS is "listen 443 ssl" (nginx 1.25 removed "ssl on"), and /idp is sticky like /identity.',
      'Idempotent: pushes the same file. The nginx.conf from before the first push is kept as nginx.conf.gluu-cluster.bak (made once, never overwritten); the one the latest push replaced as nginx.conf.gluu-cluster.prev.',
    ],
  };
};
