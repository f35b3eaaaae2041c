/** Facts about a Gluu Server 3.1.x installation that the steps and the editor rely on. */
import type { LdapFlavour } from '../config/types';

/** Where the Gluu container lives on the host: /opt/gluu-server-<version>. */
export function containerRoot(version: string): string {
  return `/opt/gluu-server-${version}`;
}

/** The init service that starts and enters the container. */
export function gluuService(version: string): string {
  return `gluu-server-${version}`;
}

/** The directory manager DN each LDAP flavour ships with. */
export function defaultBindDN(flavour: LdapFlavour): string {
  return flavour === 'openldap' ? 'cn=directory manager,o=gluu' : 'cn=directory manager';
}

export const LDAPS_PORT = 1636;
/** OpenDJ's service inside the container (init script or systemd unit). */
export const OPENDJ_SERVICE = 'opendj';
export const REDIS_DEFAULT_PORT = 6379;
export const SSH_DEFAULT_PORT = 22;
export const SSH_DEFAULT_USER = 'root';
