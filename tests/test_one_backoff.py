"""Every retry and polling loop backs off through dxpy.retry and waits through the one seam,
dxpy.http._sleep (``sleeps`` records the waits; nothing really waits)."""
import pytest

import dxpy
from dxpy.exceptions import DXError
from loopback import reply
from test_dxfile_functions import PART, payload, uploaded

FILE_ID = "file-" + "b" * 24


@pytest.fixture
def emu(dx_emulator, sleeps):
    """The emulator with small parts allowed."""
    dx_emulator.platform.options.upload_params = {"minimumPartSize": PART}
    return dx_emulator


def described(state):
    return reply(json={"id": FILE_ID, "state": state})


def test_waiting_for_a_file_to_close_polls_through_the_sleep_seam(dx, server, sleeps):
    server.push(described("closing"), described("closing"), described("closing"), described("closed"))

    dxpy.DXFile(FILE_ID).wait_on_close()

    assert len(server.requests) == 4
    assert len(sleeps) == 3 and sleeps[0] == 1


def test_waiting_for_a_file_to_close_gives_up_within_the_timeout(dx, server, sleeps):
    server.default = described("closing")

    with pytest.raises(DXError, match="timeout while waiting"):
        dxpy.DXFile(FILE_ID).wait_on_close(timeout=20)

    assert 0 < sum(sleeps) <= 20
    assert len(server.requests) == len(sleeps) + 1


def serve_short_ranges(server):
    """/file-xxxx/download names the same server; a ranged GET gets 3 bytes of any range."""
    def answer(request):
        if request.path.endswith("/download"):
            return reply(json={"url": server.url + "/data", "headers": {}})
        return reply(206, body=b"abc", headers={"Content-Type": "application/octet-stream"})
    server.default = answer


def test_short_ranged_reads_back_off_through_the_policy_and_the_seam(dx, server, sleeps):
    from dxpy.bindings import dxfile
    serve_short_ranges(server)
    handler = dxpy.DXFile(FILE_ID)

    with pytest.raises(dxpy.exceptions.DXIncompleteReadsError, match="got 3 bytes 3 times"):
        handler._read_range(0, 10, project=dxpy.DXFile.NO_PROJECT_HINT)

    gets = [r for r in server.requests if r.method == "GET"]
    assert len(gets) == dxfile.RANGE_ATTEMPTS == 3
    assert len(sleeps) == 2 and sleeps[0] == 1


def test_a_part_whose_md5_never_matches_backs_off_through_the_seam(emu, sleeps, tmp_path):
    from dxpy.bindings import dxfile_functions
    f = uploaded(tmp_path, payload(2 * PART))
    desc = dxpy.DXFile(f.get_id()).describe(fields={"parts"}, default_fields=True)
    desc["parts"]["2"] = dict(desc["parts"]["2"], md5="f" * 32)
    del sleeps[:]

    with pytest.raises(dxpy.exceptions.DXChecksumMismatchError, match="part 2"):
        dxpy.download_dxfile(f.get_id(), str(tmp_path / "out"), describe_output=desc)

    assert len(sleeps) == dxfile_functions.PART_ATTEMPTS - 1 == 2 and sleeps[0] == 1


def test_a_part_upload_and_its_upload_url_calls_share_one_retry_budget(dx, server, make_server, sleeps):
    from loopback import error
    storage = make_server(default=reply(500, body="storage is down"))
    server.default = reply(json={"url": storage.url + "/part", "headers": {}})

    with pytest.raises(dxpy.exceptions.HTTPErrorWithContent):
        dxpy.DXFile(FILE_ID).upload_part(b"part", 1, max_retries=1)

    assert len(storage.requests) == 2  # the PUT: one attempt and the one retry
    assert len(server.requests) == 2   # an upload URL before each

    # An upload URL call that fails uses up what the part has left.
    server.default = error(500, "InternalError")
    with pytest.raises(dxpy.exceptions.InternalError):
        dxpy.DXFile(FILE_ID).upload_part(b"part", 1, max_retries=2)
    assert len(server.requests) == 2 + 3


JOB_ID = "job-" + "c" * 24


def test_waiting_on_a_job_polls_at_its_interval_through_the_sleep_seam(dx, server, sleeps):
    server.push(*[reply(json={"id": JOB_ID, "state": state}) for state in ("idle", "runnable", "running", "done")])

    dxpy.DXJob(JOB_ID).wait_on_done(interval=7)

    assert len(server.requests) == 4
    assert sleeps == [7, 7, 7]
