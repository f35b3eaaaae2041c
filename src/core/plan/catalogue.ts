/**
 * The clustering steps of Gluu's manual, in order, as data. The tree, the palette, the preview,
 * the runner and the CLI all read this table; what each step does on a host is rendered from
 * it (see the step renderers) and never written into a command handler.
 */
import type { LdapFlavour } from '../config/types';

/** Which hosts a step touches, resolved against the cluster file by targets.ts. */
export type StepScope =
  | 'nodes-and-lb' // every Gluu node and the load balancer
  | 'all-nodes' // every Gluu node
  | 'secondaries' // every node but the primary
  | 'primary-to-secondaries' // something is copied from the primary to each other node
  | 'primary-with-secondaries' // run on the primary, pairing it with each other node
  | 'primary-for-all' // run on the primary, once per node
  | 'load-balancer'
  | 'cache-host'
  | 'ldap'; // an LDAP edit, made through the primary

export interface StepDefinition {
  id: string;
  title: string;
  /** The section of the manual it comes from. */
  section: string;
  /** One sentence on what the step achieves. */
  summary: string;
  scope: StepScope;
  /** Set when the step only exists for one LDAP flavour. */
  ldap?: LdapFlavour;
  /** Needs a human at a terminal (setup.py asks questions). */
  interactive?: boolean;
  /** Steps that must have run first. */
  requires: readonly string[];
  /** Targets one after another instead of concurrently (restarts keep one node serving). */
  sequential?: boolean;
  /**
   * Set when running the step again after it ran loses something: what. A whole-plan run never
   * runs such a step again unless it is named (`--force STEP`, or the step run on its own).
   */
  rerunLoses?: string;
}

/**
 * Operations on a running cluster: not steps of the manual's plan (a whole-plan run never runs
 * them), each an explicit, confirmed action rendered and run like a step.
 */
export const OPERATIONS: readonly StepDefinition[] = [
  {
    id: 'redis-password',
    requires: ['redis', 'ldap-cache'],
    title: 'Change the Redis password',
    section: '4. Install and Configure Redis',
    summary:
      "A new Redis password, given to Gluu's cache configuration in the same run: Redis accepts both while LDAP changes, then only the new one.",
    scope: 'cache-host',
  },
];

export const STEPS: readonly StepDefinition[] = [
  {
    id: 'hosts',
    requires: [],
    title: 'Host names',
    section: '1. Install Gluu',
    summary: '/etc/hosts entries for every node and the load balancer, on the host and in the Gluu container; FQDN hostname.',
    scope: 'nodes-and-lb',
  },
  {
    id: 'time-sync',
    requires: ['hosts'],
    title: 'Synchronized clocks',
    section: '1. Install Gluu',
    summary:
      "Every node and the load balancer keep their clock with the cluster's NTP servers (systemd-timesyncd, chrony or an ntpdate cron line).",
    scope: 'nodes-and-lb',
  },
  {
    id: 'setup-properties',
    requires: ['hosts'],
    title: 'Copy setup.properties',
    section: '1. Install Gluu',
    summary: "The primary's setup.properties.last becomes each other node's setup.properties with its own ip=.",
    scope: 'primary-to-secondaries',
  },
  {
    id: 'run-setup',
    requires: ['setup-properties'],
    title: 'Run setup.py',
    section: '1. Install Gluu',
    summary: 'setup.py on each other node, answering its prompts in a terminal.',
    scope: 'secondaries',
    interactive: true,
    rerunLoses: 'setup.py installs Gluu again over the node: its configuration, keys and data',
  },
  {
    id: 'ldap-listen',
    requires: ['run-setup'],
    title: 'Open LDAP to the cluster',
    section: '2. Replication',
    summary: 'disableEndpointIdentification, dsjavaproperties; admin connector and LDAPS handler on 0.0.0.0, applied (restart, toggle).',
    scope: 'all-nodes',
    ldap: 'opendj',
    // It restarts OpenDJ: one node at a time, so LDAP keeps answering somewhere.
    sequential: true,
  },
  {
    id: 'replication-enable',
    requires: ['ldap-listen'],
    title: 'Enable replication',
    section: '2. Replication',
    summary: 'dsreplication enable between the primary and each other node for the base DN and o=site, where not replicated yet.',
    scope: 'primary-with-secondaries',
    ldap: 'opendj',
  },
  {
    id: 'replication-init',
    requires: ['replication-enable'],
    title: 'Initialize replication',
    section: '2. Replication',
    summary: "dsreplication initialize: each other node receives the primary's data (the base DN, and o=site where replicated).",
    scope: 'primary-to-secondaries',
    ldap: 'opendj',
    rerunLoses: "each other node's data is replaced by the primary's: changes made only there are lost",
  },
  {
    id: 'replication-secure',
    requires: ['replication-init'],
    title: 'Encrypt replication',
    section: '2. Replication',
    summary: 'dsconfig set-crypto-manager-prop --set ssl-encryption:true for every node.',
    scope: 'primary-for-all',
    ldap: 'opendj',
  },
  {
    id: 'opendj-keystore',
    requires: ['replication-secure'],
    title: 'Share the OpenDJ keystore',
    section: '2. Replication',
    summary: "The primary's keystore, keystore.pin and truststore copied to each other node.",
    scope: 'primary-to-secondaries',
    ldap: 'opendj',
  },
  {
    id: 'openldap-listen',
    requires: ['run-setup'],
    title: 'Open OpenLDAP to the cluster',
    section: '2. Replication (OpenLDAP)',
    summary: "Each node's ldaps URL added to HOST_LIST in symas-openldap.conf; solserver restarted and listening on the node's address.",
    scope: 'all-nodes',
    ldap: 'openldap',
  },
  {
    id: 'openldap-init',
    requires: ['openldap-listen'],
    title: 'Initialize OpenLDAP replication',
    section: '2. Replication (OpenLDAP)',
    summary:
      "Each other node's o=gluu (and o=site) replaced by the primary's: slapcat, relayed with a checksum, slapadd with the node's server id; the old database kept aside.",
    scope: 'primary-to-secondaries',
    ldap: 'openldap',
    rerunLoses: "every secondary's directory is replaced by the primary's again: changes made only on a secondary since are lost",
  },
  {
    id: 'openldap-replication',
    requires: ['openldap-init'],
    title: 'Enable OpenLDAP replication',
    section: '2. Replication (OpenLDAP)',
    summary:
      'Delta-syncrepl multi-provider on every node from the generated openldap-replication.conf, checked with slaptest; proven by an entry written on each node appearing on every other.',
    scope: 'all-nodes',
    ldap: 'openldap',
    sequential: true,
  },
  {
    id: 'csync2',
    requires: ['hosts', 'run-setup'],
    title: 'File replication (csync2)',
    section: '2. Replication',
    summary: 'csync2 with a shared key and certificate subject, the generated csync2.cfg, first sync and a staggered cron.',
    scope: 'all-nodes',
  },
  {
    id: 'nginx',
    requires: ['hosts'],
    title: 'Load balancer (NGINX)',
    section: '3. Install NGINX',
    summary: "NGINX with the primary's httpd certificate and the generated nginx.conf, checked with nginx -t.",
    scope: 'load-balancer',
  },
  {
    id: 'redis',
    requires: ['hosts'],
    title: 'Cache (Redis)',
    section: '4. Install and Configure Redis',
    summary: "Redis bound to the cache host's address with a password (requirepass).",
    scope: 'cache-host',
  },
  {
    id: 'ldap-cache',
    requires: ['redis'],
    title: 'Cache configuration in LDAP',
    section: '5. Modify JSON Entries',
    summary: "The appliance's cache configuration set to REDIS with the cache host.",
    scope: 'ldap',
  },
  {
    id: 'ldap-idp-auth',
    requires: ['run-setup'],
    title: 'Authentication servers in LDAP',
    section: '5. Modify JSON Entries',
    summary: 'oxIDPAuthentication servers set to every node on port 1636.',
    scope: 'ldap',
  },
  {
    id: 'certs',
    requires: ['run-setup'],
    title: 'Copy certificates',
    section: '6. Transfer Certificates',
    summary: "The primary's /etc/certs on each other node, owned by gluu (oxauth-keys by jetty).",
    scope: 'primary-to-secondaries',
  },
  {
    id: 'keystores',
    requires: ['certs'],
    title: 'Update keystores',
    section: '6. Transfer Certificates',
    summary: 'On every node: keytool delete + import <lb-host>_<name> for each Gluu certificate into the JRE cacerts.',
    scope: 'all-nodes',
  },
  {
    id: 'ox-ldap-servers',
    requires: ['csync2'],
    title: 'LDAP failover for Gluu',
    section: '2. Replication',
    summary:
      "Each node's ox-ldap.properties lists the node first, then every other node, so oxAuth keeps working when its own LDAP server stops.",
    scope: 'all-nodes',
  },
  {
    id: 'restart',
    requires: ['keystores', 'ldap-cache', 'ldap-idp-auth', 'ox-ldap-servers'],
    title: 'Restart Gluu',
    section: '6. Transfer Certificates',
    summary: 'identity and oxauth restarted, then the Gluu Server on every node.',
    scope: 'all-nodes',
    sequential: true,
  },
];

export function findStep(id: string): StepDefinition | undefined {
  return STEPS.find((s) => s.id === id);
}
