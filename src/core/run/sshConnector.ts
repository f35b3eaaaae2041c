/**
 * The runner's Connector over the SSH pool: a cluster host name resolves to its entry in the
 * cluster file, and the connection goes to its address (or its ~/.ssh/config alias) with the
 * host's effective SSH settings.
 */
import type { ClusterConfig, SshSettings } from '../config/types';
import type { SshConnection } from '../ssh/connection';
import type { SshPool } from '../ssh/pool';
import type { SshTarget } from '../ssh/types';
import type { Connector, RemoteHost } from './remote';

/** Where a cluster host is and how to log in, from the cluster file. */
export function sshTargetOf(config: ClusterConfig, host: string): SshTarget {
  const entry: { address: string; ssh: SshSettings } | undefined =
    config.nodes.find((n) => n.host === host) ??
    (config.loadBalancer.host === host ? config.loadBalancer : undefined) ??
    (config.cache?.host === host ? config.cache : undefined);
  if (!entry) throw new Error(`"${host}" is not a host of cluster "${config.name}"`);
  const { user, port, identityFile, hostAlias, jumpHost } = entry.ssh;
  return {
    host: hostAlias ?? entry.address,
    // Host key questions and refusals name the host as the cluster file does, beside its address.
    label: host,
    ...(user ? { user } : {}),
    ...(port ? { port } : {}),
    ...(identityFile ? { identityFile } : {}),
    ...(hostAlias ? { hostAlias } : {}),
    ...(jumpHost ? { jumpHost } : {}),
  };
}

export function remoteOf(c: SshConnection): RemoteHost {
  return {
    exec: (command, opts) =>
      c.exec(command, {
        signal: opts.signal,
        ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}),
        onStdout: (b) => opts.onStdout?.(b.toString('utf8')),
        onStderr: (b) => opts.onStderr?.(b.toString('utf8')),
      }),
    upload: (path, data, mode) => c.upload(path, data, mode),
    download: (path) => c.download(path),
    remove: async (path) => {
      await c.remove(path);
    },
  };
}

export function sshConnector(pool: SshPool, config: ClusterConfig): Connector {
  return { host: async (name) => remoteOf(await pool.get(sshTargetOf(config, name))) };
}
