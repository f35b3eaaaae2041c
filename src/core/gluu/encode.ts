/**
 * Gluu's password encoding, done on the node itself. Gluu 3.1.x keeps secrets in LDAP encoded
 * with the installation's salt (`/etc/gluu/conf/salt`, `encodeSalt = …`): triple DES, ECB,
 * PKCS#5 padding, base64 — what `/opt/gluu/bin/encode.py` does with pyDes and what Gluu's Java
 * side (StringEncrypter) decodes. oxAuth decodes `redisConfiguration.password` that way.
 *
 * encode.py takes the password as an argument, which would show it in `ps` on the node. So the
 * product runs the same encoding with the node's own Python and pyDes (the interpreter named on
 * encode.py's first line, pyDes found where encode.py finds it), reading the password from
 * stdin: it travels only inside the SSH channel. The salt never leaves the node.
 */
import { sh, type Shell } from '../ssh/shell';

export const GLUU_ENCODE_PY = '/opt/gluu/bin/encode.py';
export const GLUU_SALT_FILE = '/etc/gluu/conf/salt';
/** Where encode.py's pyDes may live besides Python's own path: next to it, or in the setup's pylib (3.1.x, 4.x). */
const PYDES_DIRS = ['/install/community-edition-setup/pylib', '/install/community-edition-setup/setup_app/pylib'];

// Python 2 (Gluu 3.1.x's container) and 3 alike. argv[1]: encode.py; argv[2]: the salt file.
// The salt is read as encode.py reads it: what follows the first "=", stripped.
const PROGRAM = [
  'import sys, os, base64',
  'sys.path[0:0] = [os.path.dirname(sys.argv[1])] + sys.argv[3:]',
  'from pyDes import triple_des, ECB, PAD_PKCS5',
  'key = open(sys.argv[2]).read().split("=")[1].strip()',
  'data = getattr(sys.stdin, "buffer", sys.stdin).read()',
  'out = base64.b64encode(triple_des(key, ECB, pad=None, padmode=PAD_PKCS5).encrypt(data))',
  'sys.stdout.write(out.decode("ascii") + "\\n")',
].join('\n');

/** Reads a password on stdin and prints it encoded with the node's salt (run where Gluu is: in its container). */
export function encodeFromStdin(): Shell {
  const missing = `${GLUU_ENCODE_PY} or ${GLUU_SALT_FILE} is missing: is Gluu installed on this node? Nothing was changed.`;
  return sh`{ [ -r ${GLUU_ENCODE_PY} ] && [ -r ${GLUU_SALT_FILE} ]; } || { printf '%s\n' ${missing} >&2; exit 3; }
py=$(sed -n '1s/^#![[:space:]]*//p' ${GLUU_ENCODE_PY}); [ -n "$py" ] || py=python
$py -c ${PROGRAM} ${GLUU_ENCODE_PY} ${GLUU_SALT_FILE} ${PYDES_DIRS}`;
}

/**
 * The encoded value from the encoder's output, or why it is not one: base64 of whole 8-byte
 * DES blocks (PKCS#5 always adds at least one byte, so never empty).
 */
export function parseEncoded(stdout: string): { value: string } | { error: string } {
  const value = stdout.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) return { error: 'the encoder did not print one base64 value' };
  const bytes = Buffer.from(value, 'base64').length;
  if (bytes === 0 || bytes % 8 !== 0) return { error: `the encoder printed ${bytes} bytes, not whole 8-byte DES blocks` };
  return { value };
}
