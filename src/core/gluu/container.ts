/**
 * Entering the Gluu container. Gluu 3.1.x runs in a chroot at /opt/gluu-server-<version>:
 * Ubuntu 14/16 and CentOS 6 enter it with chroot; the systemd distributions run an sshd inside
 * it on 127.0.0.1:60022 with a console key. Which one applies is a cluster-file setting.
 */
import type { ClusterConfig } from '../config/types';
import { sh, type Shell } from '../ssh/shell';
import { containerRoot } from './facts';

export const CONSOLE_KEY = '/etc/gluu/keys/gluu-console';
export const CONSOLE_PORT = 60022;

/** `script` as a command that runs inside the node's Gluu container. */
export function inContainer(config: ClusterConfig, script: Shell): Shell {
  switch (config.gluu.container) {
    case 'chroot':
      return sh`chroot ${containerRoot(config.gluu.version)} /bin/bash -c ${script.text}`;
    case 'ssh-console':
      // The console sshd listens on loopback only. BatchMode never prompts; accept-new records the
      // container's key on first use and refuses a changed one afterwards (no silent re-trust).
      return sh`ssh -p ${CONSOLE_PORT} -i ${CONSOLE_KEY} -o BatchMode=yes -o StrictHostKeyChecking=accept-new root@localhost ${script.text}`;
    case 'none':
      return script;
  }
}

/** `script` inside the container when `container`, else as it is. */
export function wrapIf(config: ClusterConfig, script: Shell, container: boolean): Shell {
  return container ? inContainer(config, script) : script;
}

/** Where a path inside the container is on the host's file system (what SFTP sees). */
export function hostPath(config: ClusterConfig, path: string, container: boolean): string {
  if (!container || config.gluu.container === 'none') return path;
  return `${containerRoot(config.gluu.version)}${path.startsWith('/') ? '' : '/'}${path}`;
}
