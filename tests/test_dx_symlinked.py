"""dx download of symlinked files (parts checked by their checksum, not an md5): the reference
dx and this one against one emulator, with each checksum type and with a corrupted part."""
import hashlib

import pytest

pytestmark = pytest.mark.reference

TYPES = ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"]
PARTS = [hashlib.sha256(b"%d" % n).digest() * 4000 for n in range(3)]


@pytest.mark.parametrize("checksum_type", TYPES)
def test_dx_download_of_a_symlinked_file(twins, cli_emulator, checksum_type):
    twins.populate(lambda project: cli_emulator.add_symlinked_file(PARTS, checksum_type, name="sym.bin",
                                                                   project=project))
    (ref_code, ref_out, ref_err), (this_code, this_out, this_err) = twins.outputs("download", "sym.bin",
                                                                                  "-o", "out.bin")
    assert (this_code, this_out) == (ref_code, ref_out) == (0, "")
    warning = "UserWarning: Download of file file-<1> is not being checked for integrity"  # dxpy says so
    assert warning in ref_err and warning in this_err
    for client in twins.clients:
        assert (client.home / "out.bin").read_bytes() == b"".join(PARTS)


@pytest.mark.parametrize("checksum_type", ["CRC32C", "SHA256"])
def test_dx_download_of_a_corrupted_symlinked_part_fails_alike(twins, cli_emulator, checksum_type):
    def corrupted(project):
        file_id = cli_emulator.add_symlinked_file(PARTS, checksum_type, name="sym.bin", project=project)
        cli_emulator.platform.parts.write(file_id, 2, None, b"!" + PARTS[1][1:])
    twins.populate(corrupted)
    (ref_code, _, ref_err), (this_code, _, this_err) = twins.outputs("download", "sym.bin", "-o", "out.bin")
    assert this_code == ref_code != 0
    expected = "%s checksum mismatch in file-" % checksum_type
    assert expected in ref_err.splitlines()[-1] and expected in this_err.splitlines()[-1]
