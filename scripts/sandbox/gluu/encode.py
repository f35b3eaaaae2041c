#!/usr/bin/python3
# Sandbox stand-in for Gluu's /opt/gluu/bin/encode.py, the same program as Gluu's: the salt from
# /etc/gluu/conf/salt, triple DES (pyDes) in ECB mode with PKCS#5 padding, base64.
#   encode.py STRING      prints STRING encoded
#   encode.py -D STRING   prints STRING decoded
import base64
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pyDes import ECB, PAD_PKCS5, triple_des  # noqa: E402

with open('/etc/gluu/conf/salt') as f:
    key = f.read().split('=')[1].strip()


def obscure(data=''):
    engine = triple_des(key, ECB, pad=None, padmode=PAD_PKCS5)
    return base64.b64encode(engine.encrypt(data.encode('utf-8'))).decode('utf-8')


def unobscure(s=''):
    engine = triple_des(key, ECB, pad=None, padmode=PAD_PKCS5)
    return engine.decrypt(base64.b64decode(s)).decode('utf-8')


if len(sys.argv) == 3 and sys.argv[1] == '-D':
    print(unobscure(sys.argv[2]))
elif len(sys.argv) == 2 and sys.argv[1] != '-D':
    print(obscure(sys.argv[1]))
else:
    print('To encode:   encode <string>')
    print('To decode:   encode -D <string>')
    sys.exit(0 if len(sys.argv) == 1 else 2)
