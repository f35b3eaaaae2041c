// The sandbox's hosts and the cluster file that describes them to the product.
'use strict';

const MIN_NODES = 2;
const MAX_NODES = 4;

/** The load balancer and `nodes` Gluu nodes idp1..idpN (idp1 the primary). */
function sandboxHosts(nodes = MIN_NODES) {
  if (!Number.isInteger(nodes) || nodes < MIN_NODES || nodes > MAX_NODES)
    throw new Error(`a sandbox has ${MIN_NODES} to ${MAX_NODES} Gluu nodes, not ${nodes}`);
  return [
    { name: 'lb', hostname: 'lb.gluu.test' },
    ...Array.from({ length: nodes }, (_, i) => ({ name: `idp${i + 1}`, hostname: `idp${i + 1}.gluu.test` })),
  ];
}

/**
 * gluu-cluster.yaml for a lab made from sandboxHosts(): container none, OpenLDAP, root over SSH
 * with `clientKey`; the first `inCluster` nodes (default all: the others are there to be joined).
 */
function clusterFileText(l, clientKey, inCluster = Infinity) {
  const nodes = Object.values(l.hosts)
    .filter((h) => h.name !== 'lb')
    .slice(0, inCluster);
  return [
    `# The built-in sandbox cluster (scripts/sandbox/sandbox.cjs): ${nodes.length + 1} hosts on this machine,`,
    '# each in its own network namespace with its own file system, reached over real SSH.',
    'name: sandbox',
    'gluu:',
    '  version: 3.1.5',
    '  container: none         # the sandbox nodes have no Gluu container',
    '  ldap: openldap',
    'ssh:',
    '  user: root',
    `  identityFile: ${clientKey}`,
    'loadBalancer:',
    `  host: ${l.hosts.lb.hostname}`,
    `  address: ${l.hosts.lb.address}`,
    'cache:',
    `  host: ${nodes[0].hostname}`,
    'nodes:',
    ...nodes.flatMap((h, i) => [`  - host: ${h.hostname}`, `    address: ${h.address}`, ...(i === 0 ? ['    primary: true'] : [])]),
    '',
  ].join('\n');
}

module.exports = { sandboxHosts, clusterFileText, MIN_NODES, MAX_NODES };
