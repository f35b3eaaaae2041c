/** Ids shared by the activation glue and the lazily loaded LDAP editor bundle. */
export const LDAP_EDITOR_VIEW_TYPE = 'gluuCluster.ldapEditor';
export const LDAP_DIFF_SCHEME = 'gluu-ldap-diff';
