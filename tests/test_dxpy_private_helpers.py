"""dxpy's module-level private helpers that its own test suite and tools built on dxpy call:
present, with dxpy's meaning, and working through real HTTP."""
import errno
import mmap
import socket

import pytest
import requests

import dxpy
from dxpy.bindings import dxfile
from dxpy.exceptions import DXFileError

MIB = 1024 * 1024
UPLOAD_PARAMS = {"maximumNumParts": 10000, "minimumPartSize": 5 * MIB, "maximumPartSize": 5 * 1024 * MIB,
                 "maximumFileSize": 5 * 1024 ** 4}


# -- dxpy._is_retryable_exception ----------------------------------------------------------

def test_a_refused_connection_is_safe_to_retry(dx, make_server):
    closed = make_server()
    url = closed.url
    closed.close()
    with pytest.raises(Exception) as caught:
        dxpy.DXHTTPRequest(url + "/system/whoami", {}, prepend_srv=False, max_retries=0)
    assert dxpy._is_retryable_exception(caught.value)


@pytest.mark.parametrize("error, retryable", [
    (socket.gaierror(-2, "Name or service not known"), True),
    (ConnectionResetError(errno.ECONNRESET, "reset"), True),
    (OSError(errno.ECONNREFUSED, "refused"), True),
    (OSError(errno.EACCES, "denied"), False),
    (requests.exceptions.ReadTimeout("read timed out"), False),
    (ValueError("not a network error"), False),
    (dxpy.exceptions.ContentLengthError("short"), False),
])
def test_which_errors_are_always_safe_to_retry(error, retryable):
    assert dxpy._is_retryable_exception(error) is retryable


# -- DXHTTPRequest(..., _test_retry_http_request=True) -------------------------------------

def test_the_retry_test_hook_sends_twice_and_keeps_the_first_answer(dx_emulator):
    project = dxpy.PROJECT_CONTEXT_ID
    second = dxpy.api.record_new({"project": project, "nonce": "one-nonce"}, _test_retry_http_request=True)
    first = dxpy._get_retry_response()
    # The nonce makes the second request a replay: the platform answers it with the first record.
    assert first["id"] == second["id"]
    found = list(dxpy.find_data_objects(project=project, classname="record"))
    assert len(found) == 1


def test_without_a_nonce_the_retry_test_hook_makes_two_objects(dx_emulator):
    project = dxpy.PROJECT_CONTEXT_ID
    # straight to DXHTTPRequest: dxpy.api's wrappers of /class/new add a nonce of their own
    second = dxpy.DXHTTPRequest("/record/new", {"project": project}, _test_retry_http_request=True)
    assert dxpy._get_retry_response()["id"] != second["id"]
    assert len(list(dxpy.find_data_objects(project=project, classname="record"))) == 2


def test_unknown_options_are_still_refused(dx):
    with pytest.raises(TypeError, match="_test_retry"):
        dxpy.DXHTTPRequest("/system/whoami", {}, _test_retry_http_requests=True)


# -- dxfile._readable_part_size and _get_write_buf_size ------------------------------------

@pytest.mark.parametrize("size, text", [(0, "0 bytes"), (1, "1 byte"), (1023, "1023 bytes"),
                                        (1024, "1.00 KiB"), (3 * MIB // 2, "1.50 MiB"),
                                        (5 * 1024 ** 3, "5.00 GiB"), (2 * 1024 ** 4, "2.00 TiB")])
def test_readable_part_size(size, text):
    assert dxfile._readable_part_size(size) == text


@pytest.mark.parametrize("hint, expected_size, part", [
    (16 * MIB, None, 16 * MIB),                      # the hint when it is allowed
    (1, None, 5 * MIB),                              # raised to the minimum part size
    (10 * 1024 * MIB, None, 5 * 1024 * MIB),          # lowered to the maximum
    (16 * MIB, 1024 ** 4, 1024 ** 4 // 10000 + 1),    # large enough for the file in 10,000 parts
])
def test_write_buffer_size_follows_the_upload_parameters(hint, expected_size, part):
    assert dxfile._get_write_buf_size(hint, UPLOAD_PARAMS, expected_size) == part


def test_write_buffer_size_of_a_mapped_file_is_a_multiple_of_the_granularity():
    size = dxfile._get_write_buf_size(16 * MIB + 123, UPLOAD_PARAMS, None, file_is_mmapd=True)
    assert size % mmap.ALLOCATIONGRANULARITY == 0 and 5 * MIB <= size <= 16 * MIB + 123


def test_write_buffer_size_refuses_a_file_above_the_maximum():
    with pytest.raises(DXFileError, match="Size of file exceeds maximum of 5.00 TiB"):
        dxfile._get_write_buf_size(16 * MIB, UPLOAD_PARAMS, 6 * 1024 ** 4)


# -- DXFile._generate_read_requests --------------------------------------------------------

@pytest.fixture
def closed_file(dx_emulator):
    data = bytes(range(256)) * (3 * 1024 + 7)   # 786,688 bytes
    handler = dxpy.upload_string(data, wait_on_close=True)
    return dxpy.DXFile(handler.get_id(), read_buffer_size=256 * 1024), data


def test_read_requests_cover_the_range_and_fetch_its_bytes(closed_file):
    handler, data = closed_file
    requests_ = list(handler._generate_read_requests(start_pos=10, limit_chunk_size=200 * 1024))
    firsts = [args[2] for _, args, _ in requests_]
    lasts = [args[3] for _, args, _ in requests_]
    assert firsts[0] == 10 and lasts[-1] == len(data) - 1
    assert all(b == a + 1 for a, b in zip(lasts, firsts[1:]))
    assert all(last - first + 1 <= 200 * 1024 for first, last in zip(firsts, lasts))
    fetched = b"".join(function(*args, **kwargs) for function, args, kwargs in requests_)
    assert fetched == data[10:]


def test_read_requests_stop_at_end_pos(closed_file):
    handler, data = closed_file
    requests_ = list(handler._generate_read_requests(start_pos=100, end_pos=5000))
    assert b"".join(f(*a, **k) for f, a, k in requests_) == data[100:5000]


def test_read_requests_past_the_end_are_refused(closed_file):
    handler, data = closed_file
    with pytest.raises(DXFileError, match="Invalid end_pos"):
        list(handler._generate_read_requests(end_pos=len(data) + 1))
