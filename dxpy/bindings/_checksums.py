"""Checks of downloaded parts: the md5 of ordinary files, and the checksums that symlinked
files carry instead (``checksumType`` CRC32, CRC32C, CRC64NVME, SHA1 or SHA256; each part's
``checksum`` is the big-endian digest in base64, as the platform gives it).

CRC32 (``zlib``), SHA1 and SHA256 (``hashlib``) come with Python. CRC32C and CRC64NVME need
the ``checksums`` extra (``pip install "dxpy[checksums]"``), imported only when a file that
uses them is met. Measured here (64 MiB, one core): crc32c 11.8 GB/s, awscrt's crc32c 9.9,
anycrc 7.8, google-crc32c 5.9; CRC64NVME: awscrt 11.1, anycrc 8.1 — so ``crc32c`` and
``awscrt``. Every one of them is faster than MD5 (0.77 GB/s), which ordinary parts need.
"""
import base64
import hashlib
import zlib

from ..compat import md5_hasher
from ..exceptions import DXChecksumMismatchError, DXFileError

CHECKSUM_TYPES = ("CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256")
EXTRA_HINT = 'pip install "dxpy[checksums]"'


def _optional(module, checksum_type):
    import importlib
    try:
        return importlib.import_module(module)
    except ImportError:
        raise DXFileError("Checking a %s checksum needs the %s package: install the checksums extra (%s)"
                          % (checksum_type, module, EXTRA_HINT))


class _Crc(object):
    """A running CRC: ``function(data, previous)`` of one of the libraries."""

    def __init__(self, function, width):
        self._function, self._width, self._value = function, width, 0

    def update(self, data):
        self._value = self._function(data, self._value)

    def digest(self):
        return self._value.to_bytes(self._width, "big")


def hasher_factory(checksum_type):
    """A function making running hashers (``update``, ``digest``) of *checksum_type*."""
    if checksum_type == "SHA1":
        return hashlib.sha1
    if checksum_type == "SHA256":
        return hashlib.sha256
    if checksum_type == "CRC32":
        return lambda: _Crc(zlib.crc32, 4)
    if checksum_type == "CRC32C":
        crc32c = _optional("crc32c", checksum_type)
        return lambda: _Crc(crc32c.crc32c, 4)
    if checksum_type == "CRC64NVME":
        checksums = _optional("awscrt.checksums", checksum_type)
        return lambda: _Crc(checksums.crc64nvme, 8)
    raise DXFileError("Unsupported checksum type: %s" % (checksum_type,))


def checksum(data, checksum_type):
    """The platform's ``checksum`` of *data*: the digest in base64."""
    hasher = hasher_factory(checksum_type)()
    hasher.update(data)
    return base64.b64encode(hasher.digest()).decode("ascii")


class PartCheck(object):
    """What a downloaded part must match: its md5, or (a symlinked file's part without one)
    its checksum of the file's type. ``new()`` makes a running hasher; ``verify`` raises
    DXChecksumMismatchError, with dxpy's message, when the hasher's result differs."""

    def __init__(self, file_id, part_id, kind, expected, new_hasher):
        self.file_id, self.part_id, self.kind = file_id, part_id, kind
        self.expected, self.new = expected, new_hasher

    @classmethod
    def for_part(cls, file_id, part_id, part, desc):
        """The check of *part* of the file described by *desc*; None when it carries none."""
        if part.get("md5"):
            return cls(file_id, part_id, "md5", part["md5"], md5_hasher)
        checksum_type = desc.get("checksumType")
        if desc.get("drive") is None or checksum_type is None:
            return None
        new_hasher = hasher_factory(checksum_type)
        if part.get("checksum") is None:
            raise DXFileError("%s checksum not found in part %s" % (checksum_type, part_id))
        return cls(file_id, part_id, checksum_type, base64.b64decode(part["checksum"]), new_hasher)

    def error(self, hasher):
        """The DXChecksumMismatchError for *hasher*'s result, or None when it matches."""
        if self.kind == "md5":
            got = hasher.hexdigest()
            if got != self.expected:
                return DXChecksumMismatchError("md5sum mismatch in %s part %s (expected %s, got %s)"
                                               % (self.file_id, self.part_id, self.expected, got))
            return None
        got = hasher.digest()
        if got != self.expected:
            return DXChecksumMismatchError("%s checksum mismatch in %s in part %s (expected %s, got %s)"
                                           % (self.kind, self.file_id, self.part_id, self.expected, got))
        return None
