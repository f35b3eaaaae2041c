/** Pieces several step renderers share: Gluu paths, secret files, tool invocations. */
import type { ClusterConfig } from '../../config/types';
import { sh, type Shell } from '../../ssh/shell';
import type { ExecAction, SecretFile } from '../actions';

export const SETUP_DIR = '/install/community-edition-setup';
export const OPENDJ = '/opt/opendj';
export const OPENDJ_CONFIG = '/opt/opendj/config';
export const CERTS_DIR = '/etc/certs';
export const JRE_CACERTS = '/opt/jre/jre/lib/security/cacerts';
export const KEYTOOL = '/opt/jre/bin/keytool';
export const ADMIN_PORT = 4444;
export const REPLICATION_PORT = 8989;

/** The directory manager password in a 0600 file, for OpenDJ's -j / --bindPasswordFile options. */
export function ldapPasswordFile(step: string): SecretFile {
  return { path: `/root/.gluu-cluster-${step}.pw`, secret: 'ldapAdmin' };
}

/** A step's script on a host, inside the container or not. */
export function exec(host: string, title: string, script: Shell, container: boolean, secretFiles?: SecretFile[]): ExecAction {
  return { kind: 'exec', host, title, script, container, ...(secretFiles?.length ? { secretFiles } : {}) };
}

/** `dsconfig` against a node's admin connector, with the password from a file. */
export function dsconfig(config: ClusterConfig, host: string, pw: SecretFile, args: Shell): Shell {
  return sh`${OPENDJ}/bin/dsconfig -h ${host} -p ${ADMIN_PORT} -D ${config.gluu.bindDN} -j ${pw.path} -X -n ${args}`;
}

/** Installs a Debian/Ubuntu package unless `binary` is already on the PATH. */
export function ensurePackage(binary: string, pkg: string): Shell {
  return sh`command -v ${binary} >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${pkg}; }`;
}

/** True (exit 0) on a host whose init is systemd: systemctl present and running as PID 1's manager. */
export const UNDER_SYSTEMD = sh`command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]`;

/** Restarts a service with whatever init the host has. */
export function restartService(name: string): Shell {
  return sh`if ${UNDER_SYSTEMD}; then systemctl restart ${name}; else service ${name} restart; fi`;
}
