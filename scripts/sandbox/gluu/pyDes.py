# Sandbox stand-in for pyDes, the pure-Python DES library Gluu's encode.py imports: the same
# interface for what encode.py uses (triple_des, ECB, PAD_PKCS5, encrypt, decrypt), computed
# with Debian's python3-cryptography. Triple DES in ECB mode with PKCS#5 padding is a standard
# cipher, so the result is byte for byte what pyDes (and Gluu's Java StringEncrypter) produce.
import warnings

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, modes

try:  # cryptography >= 43 keeps TripleDES in "decrepit"
    from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
except ImportError:
    from cryptography.hazmat.primitives.ciphers.algorithms import TripleDES

ECB = 0
CBC = 1
PAD_NORMAL = 1
PAD_PKCS5 = 2


def _bytes(v):
    return v.encode('utf-8') if isinstance(v, str) else v


class triple_des(object):
    def __init__(self, key, mode=ECB, IV=None, pad=None, padmode=PAD_NORMAL):
        if mode != ECB:
            raise ValueError('this stand-in does ECB only (what encode.py uses)')
        key = _bytes(key)
        if len(key) not in (16, 24):
            raise ValueError('Invalid triple DES key size. Key must be either 16 or 24 bytes long')
        self.key = key
        self.padmode = padmode

    def _cipher(self):
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            return Cipher(TripleDES(self.key), modes.ECB())

    def encrypt(self, data, pad=None, padmode=None):
        if (padmode or self.padmode) != PAD_PKCS5:
            raise ValueError('this stand-in pads with PKCS#5 only (what encode.py uses)')
        p = padding.PKCS7(64).padder()
        e = self._cipher().encryptor()
        return e.update(p.update(_bytes(data)) + p.finalize()) + e.finalize()

    def decrypt(self, data, pad=None, padmode=None):
        d = self._cipher().decryptor()
        u = padding.PKCS7(64).unpadder()
        return u.update(d.update(_bytes(data)) + d.finalize()) + u.finalize()
