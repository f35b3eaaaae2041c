/** Step id → renderer. Every id in the catalogue has exactly one (a unit test checks). */
import type { StepRenderer } from '../stepPlan';
import { renderCerts } from './certs';
import { renderCsync2 } from './csync2';
import { renderHosts } from './hosts';
import { renderKeystores } from './keystores';
import { renderLdapCache, renderLdapIdpAuth } from './ldapAttributes';
import { renderLdapListen } from './ldapListen';
import { renderNginx } from './nginx';
import { renderOpendjKeystore } from './opendjKeystore';
import { renderOxLdapServers } from './oxLdap';
import { renderOpenldapInit, renderOpenldapListen, renderOpenldapReplication } from './openldap';
import { renderRedis } from './redis';
import { renderRedisPasswordChange } from './redisPassword';
import { renderReplicationEnable, renderReplicationInit, renderReplicationSecure } from './replication';
import { renderRestart } from './restart';
import { renderRunSetup } from './runSetup';
import { renderSetupProperties } from './setupProperties';
import { renderTimeSync } from './timeSync';

export const RENDERERS: Record<string, StepRenderer> = {
  hosts: renderHosts,
  'time-sync': renderTimeSync,
  'setup-properties': renderSetupProperties,
  'run-setup': renderRunSetup,
  'ldap-listen': renderLdapListen,
  'replication-enable': renderReplicationEnable,
  'replication-init': renderReplicationInit,
  'replication-secure': renderReplicationSecure,
  'opendj-keystore': renderOpendjKeystore,
  'openldap-listen': renderOpenldapListen,
  'openldap-init': renderOpenldapInit,
  'openldap-replication': renderOpenldapReplication,
  csync2: renderCsync2,
  nginx: renderNginx,
  redis: renderRedis,
  'ldap-cache': renderLdapCache,
  'ldap-idp-auth': renderLdapIdpAuth,
  certs: renderCerts,
  keystores: renderKeystores,
  'ox-ldap-servers': renderOxLdapServers,
  restart: renderRestart,
};

/** Operation id → renderer (see OPERATIONS in the catalogue). */
export const OPERATION_RENDERERS: Record<string, StepRenderer> = {
  'redis-password': renderRedisPasswordChange,
};
