/** The commented example written by "Create Cluster File": the manual's three servers. */
export const EXAMPLE_CLUSTER_FILE = `# Gluu Cluster — describes a multi-master Gluu Server cluster for the Gluu Cluster extension.
# The hosts and addresses are the example from Gluu's "Manual Gluu Server Clustering";
# replace them with yours. Passwords never go in this file: the extension asks for them
# when a step needs one and keeps them in the editor's secret storage.
name: example-cluster

gluu:
  version: 3.1.5            # the container lives in /opt/gluu-server-3.1.5
  container: chroot         # chroot | ssh-console (systemd hosts) | none
  ldap: opendj              # opendj | openldap
  baseDN: o=gluu

# SSH defaults for every host; any host may override them under its own "ssh:".
ssh:
  user: root
  port: 22
  # identityFile: ~/.ssh/id_ed25519
  # jumpHost: admin@bastion.example.org

# The NGINX load balancer in front of the nodes (its FQDN is what clients use).
loadBalancer:
  host: loadbalancer.example.org
  address: 45.55.232.15

# Redis for short-lived tokens: one of the nodes or a separate host, never the load balancer.
cache:
  host: idp1.example.org
  port: 6379

# The Gluu Server nodes. The primary is the one Gluu was installed on first.
nodes:
  - host: idp1.example.org
    address: 159.203.126.10
    primary: true
  - host: idp2.example.org
    address: 138.197.65.243

# File system replication (defaults shown: the manual's include list and a staggered cron).
csync2:
  intervalMinutes: 10
  staggered: true

# Clock synchronization on every host (default: the public NTP pool; use your own servers here).
time:
  servers: [0.pool.ntp.org, 1.pool.ntp.org, 2.pool.ntp.org]
`;
