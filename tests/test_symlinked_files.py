"""Symlinked files: parts described with a ``checksum`` of the file's ``checksumType`` instead
of an md5, downloaded through the emulator and checked part by part, as dxpy 0.417.1 does."""
import base64
import hashlib
import sys
import zlib

import pytest

import dxpy
from dxpy.bindings import _checksums, _download
from dxpy.bindings.dxfile_functions import download_dxfile
from dxpy.emulator.model import files
from dxpy.emulator.errors import PlatformError
from dxpy.exceptions import DXChecksumMismatchError, DXFileError

KIB = 1024
TYPES = ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"]


def payload(size, seed):
    out, block = [], hashlib.sha256(str(seed).encode()).digest()
    while sum(map(len, out)) < size:
        block = hashlib.sha256(block).digest()
        out.append(block * 64)
    return b"".join(out)[:size]


PARTS = [payload(300 * KIB, 1), payload(200 * KIB + 7, 2), payload(5, 3)]


@pytest.fixture
def emu(dx_emulator, sleeps):
    return dx_emulator


def test_known_values_of_each_checksum():
    # The check values of the CRC catalogue ("123456789") and the standard hashes.
    digests = {name: base64.b64decode(_checksums.checksum(b"123456789", name)) for name in TYPES}
    assert digests["CRC32"] == (0xCBF43926).to_bytes(4, "big")
    assert digests["CRC32C"] == (0xE3069283).to_bytes(4, "big")
    assert digests["CRC64NVME"] == (0xAE8B14860A799888).to_bytes(8, "big")
    assert digests["SHA1"] == hashlib.sha1(b"123456789").digest()
    assert digests["SHA256"] == hashlib.sha256(b"123456789").digest()
    running = _checksums.hasher_factory("CRC32")()
    for piece in (b"1234", b"56789"):
        running.update(piece)
    assert running.digest() == zlib.crc32(b"123456789").to_bytes(4, "big")


@pytest.mark.parametrize("checksum_type", TYPES)
def test_symlinked_file_downloads_and_is_checked_per_part(emu, tmp_path, checksum_type):
    file_id = emu.add_symlinked_file(PARTS, checksum_type)
    desc = dxpy.DXFile(file_id).describe(fields={"parts", "drive", "checksumType"})
    assert desc["checksumType"] == checksum_type and desc["drive"].startswith("drive-")
    assert all("md5" not in part and part["checksum"] for part in desc["parts"].values())
    for name, chunksize in (("whole", None), ("split", 64 * KIB)):  # parts in one range; cut in several
        out = tmp_path / name
        download_dxfile(file_id, str(out), **({"chunksize": chunksize} if chunksize else {}))
        assert out.read_bytes() == b"".join(PARTS)


@pytest.mark.parametrize("checksum_type", TYPES)
def test_a_corrupted_part_raises_checksum_mismatch(emu, sleeps, tmp_path, checksum_type):
    file_id = emu.add_symlinked_file(PARTS, checksum_type)
    damaged = bytearray(PARTS[1])
    damaged[1000] ^= 0x01
    emu.platform.parts.write(file_id, 2, None, bytes(damaged))  # the stored bytes no longer match
    with pytest.raises(DXChecksumMismatchError) as raised:
        download_dxfile(file_id, str(tmp_path / "out"))
    assert str(raised.value).startswith("%s checksum mismatch in %s in part 2 (expected " % (checksum_type, file_id))
    assert len(sleeps) == _download.PART_ATTEMPTS - 1  # fetched again with dxpy's back-off, then given up


def test_a_part_damaged_on_the_way_once_is_fetched_again(emu, tmp_path, monkeypatch):
    file_id = emu.add_symlinked_file(PARTS, "CRC32C")
    original = _download.Download._land
    damaged = []

    def flaky(self, transfer, view, offset, *args):
        if offset == len(PARTS[0]) and not damaged:
            damaged.append(offset)
            view = memoryview(b"?" + bytes(view[1:]))
        return original(self, transfer, view, offset, *args)
    monkeypatch.setattr(_download.Download, "_land", flaky)
    download_dxfile(file_id, str(tmp_path / "out"), chunksize=64 * KIB)
    assert damaged and (tmp_path / "out").read_bytes() == b"".join(PARTS)


def test_one_large_part_split_in_ranges_is_checked(emu, tmp_path, monkeypatch):
    data = payload(1024 * KIB, 4)
    file_id = emu.add_symlinked_file([data], "SHA256")
    fetched = []
    original = _download.Download._fetch
    monkeypatch.setattr(_download.Download, "_fetch",
                        lambda self, t, a, b, *rest: fetched.append(a) or original(self, t, a, b, *rest))
    download_dxfile(file_id, str(tmp_path / "out"), chunksize=128 * KIB)
    assert (tmp_path / "out").read_bytes() == data and len(fetched) == 8


def test_resume_keeps_parts_that_pass_their_checksum(emu, tmp_path, monkeypatch):
    file_id = emu.add_symlinked_file(PARTS, "CRC64NVME")
    out = tmp_path / "out"
    out.write_bytes(PARTS[0] + b"wrong")
    fetched = []
    original = _download.Download._fetch
    monkeypatch.setattr(_download.Download, "_fetch",
                        lambda self, t, a, b, *rest: fetched.append(a) or original(self, t, a, b, *rest))
    download_dxfile(file_id, str(out))
    assert out.read_bytes() == b"".join(PARTS) and min(fetched) == len(PARTS[0])


def test_missing_checksum_package_names_the_extra(emu, tmp_path, monkeypatch):
    file_id = emu.add_symlinked_file(PARTS, "CRC32C")
    monkeypatch.setitem(sys.modules, "crc32c", None)  # as if it were not installed
    with pytest.raises(DXFileError, match=r'CRC32C checksum needs the crc32c package.*pip install "dxpy\[checksums\]"'):
        download_dxfile(file_id, str(tmp_path / "out"))
    monkeypatch.setitem(sys.modules, "awscrt.checksums", None)
    with pytest.raises(DXFileError, match=r"CRC64NVME checksum needs the awscrt.checksums package"):
        download_dxfile(emu.add_symlinked_file(PARTS, "CRC64NVME"), str(tmp_path / "out2"))


def test_unknown_checksum_type_or_missing_checksum_is_an_error(emu, tmp_path):
    file_id = emu.add_symlinked_file(PARTS, "SHA1")
    desc = dxpy.DXFile(file_id).describe(fields={"parts"}, default_fields=True)
    with pytest.raises(DXFileError, match="Unsupported checksum type: MD4"):
        download_dxfile(file_id, str(tmp_path / "a"), describe_output=dict(desc, checksumType="MD4"))
    del desc["parts"]["2"]["checksum"]
    with pytest.raises(DXFileError, match="SHA1 checksum not found in part 2"):
        download_dxfile(file_id, str(tmp_path / "b"), describe_output=desc)


def test_emulator_refuses_bad_symlinked_files(emu):
    with pytest.raises(PlatformError, match="checksumType must be one of"):
        emu.add_symlinked_file(PARTS, "MD5")
    file_id = dxpy.api.file_new({"project": emu.project_id})["id"]
    dxpy.api.file_upload(file_id, {"index": 1})  # announced, never sent
    with pytest.raises(PlatformError, match="needs all its parts stored"):
        files.make_symlinked(emu.platform, file_id, "CRC32")
