/**
 * Exit codes of OpenDJ 3.0's tools that the step scripts act on, read from the tools' sources
 * (/work/shared/reference/opendj-3.0/CLI-FACTS.md: ReplicationCliReturnCode; LDAPSearch returns
 * the LDAP result code). Only the codes a script tells apart are here; any other non-zero code
 * is a failure the script passes on unchanged.
 */

/** `dsreplication` (ReplicationCliReturnCode). */
export const DSREPLICATION_EXIT = {
  /**
   * enable: none of the base DNs can be enabled; among the reasons, the two servers already
   * replicate it (the tool drops it from the request and says so).
   */
  cannotEnableOnBaseDN: 5,
  /** initialize: no base DN is replicated between the two servers ("There are no Base DNs replicated…"). */
  cannotInitializeOnBaseDN: 7,
  /** Connecting to (or binding at) the `-h` server failed: also status as `-I admin` before any enable created that administrator. */
  errorConnecting: 8,
  /** initialize: the peer was not found after 5 tries. */
  initializingTriesCompleted: 10,
} as const;

/** `ldapsearch`: the LDAP result code of the search. */
export const LDAPSEARCH_EXIT = {
  found: 0,
  /** The base entry does not exist. */
  noSuchObject: 32,
} as const;
