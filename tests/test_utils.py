"""dxpy.utils: time parsing, grouping/merging, JSON helpers, futures and lazy attributes."""
import datetime
import io
import os
import pickle
import subprocess
import sys
import threading
import time

import pytest

import dxpy
import dxpy.utils as utils
from dxpy.utils import (OrderedDefaultdict, group_array_by_field, json_load_raise_on_duplicates,
                        json_loads_raise_on_duplicates, merge, normalize_time_input, normalize_timedelta,
                        response_iterator, string_buffer_length)

DAY_MS = 86400 * 1000
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def now_ms():
    return int(time.time() * 1000)


# normalize_timedelta

@pytest.mark.parametrize("text, expected", [
    ("5", 5000), ("-5", -5000), ("3s", 3000), ("2m", 120000), ("5h", 5 * 3600 * 1000),
    ("-2d", -2 * DAY_MS), ("3w", 21 * DAY_MS), ("1M", 30 * DAY_MS), ("1y", 365 * DAY_MS), (7, 7000),
])
def test_normalize_timedelta(text, expected):
    assert normalize_timedelta(text) == expected


@pytest.mark.parametrize("bad", ["", "d", "5x", "1.5d", "five days"])
def test_normalize_timedelta_rejects(bad):
    with pytest.raises(ValueError):
        normalize_timedelta(bad)


def test_normalize_timedelta_rejects_non_strings():
    with pytest.raises(TypeError, match="None"):
        normalize_timedelta(None)


# normalize_time_input

def test_relative_times_are_from_now():
    before = now_ms()
    value = normalize_time_input("-2d")
    after = now_ms()
    assert before - 2 * DAY_MS <= value <= after - 2 * DAY_MS


def test_future_makes_positive_relative_times_future():
    before = now_ms()
    value = normalize_time_input("3w", future=True)
    assert before + 21 * DAY_MS <= value <= now_ms() + 21 * DAY_MS
    # without future a small positive duration is an absolute (1970) timestamp
    assert normalize_time_input("5h") == 5 * 3600 * 1000


def test_integer_timestamps_and_units():
    assert normalize_time_input(1352863174000) == 1352863174000
    assert normalize_time_input("1352863174000") == 1352863174000
    assert normalize_time_input(1352863174, default_unit="s") == 1352863174000
    assert normalize_time_input("1352863174", default_unit="s") == 1352863174000


def test_negative_integer_is_relative():
    before = now_ms()
    assert before - 1000 <= normalize_time_input(-1000) <= now_ms() - 1000


def test_bad_default_unit():
    with pytest.raises(ValueError, match="'h'"):
        normalize_time_input(5, default_unit="h")


@pytest.mark.parametrize("text, expected", [
    ("2012-05-01", datetime.datetime(2012, 5, 1)),
    ("2012-05-01T10:20:30", datetime.datetime(2012, 5, 1, 10, 20, 30)),
    ("2012-05-01 10:20", datetime.datetime(2012, 5, 1, 10, 20)),
    ("2012/05/01", datetime.datetime(2012, 5, 1)),
    ("2012/05/01 10:20:30", datetime.datetime(2012, 5, 1, 10, 20, 30)),
    ("05/01/2012", datetime.datetime(2012, 5, 1)),
    ("1 May 2012", datetime.datetime(2012, 5, 1)),
    ("May 1, 2012", datetime.datetime(2012, 5, 1)),
])
def test_local_date_strings(text, expected):
    assert normalize_time_input(text) == int(expected.timestamp() * 1000)


@pytest.mark.parametrize("text", ["2012-05-01T10:20:30Z", "2012-05-01T10:20:30+00:00", "2012-05-01T12:20:30+02:00",
                                  "2012-05-01T10:20:30+0000", "2012-05-01T10:20:30.000Z"])
def test_dates_with_time_zone(text):
    expected = int(datetime.datetime(2012, 5, 1, 10, 20, 30, tzinfo=datetime.timezone.utc).timestamp() * 1000)
    assert normalize_time_input(text) == expected


def test_datetime_and_date_objects():
    aware = datetime.datetime(2020, 1, 2, 3, 4, 5, 678000, tzinfo=datetime.timezone.utc)
    assert normalize_time_input(aware) == 1577934245678
    assert normalize_time_input(datetime.date(2020, 1, 2)) == int(datetime.datetime(2020, 1, 2).timestamp() * 1000)


@pytest.mark.parametrize("bad", ["yesterday", "2012-13-45", "", "1.5", None, 1.5, True, [1], {"a": 1}])
def test_bad_time_inputs_name_the_input(bad):
    with pytest.raises(ValueError) as info:
        normalize_time_input(bad)
    assert "Expected an int timestamp" in str(info.value)
    assert repr(bad) in str(info.value) or str(bad) in str(info.value)


# small helpers

def test_ordered_defaultdict():
    d = OrderedDefaultdict(list)
    d["b"].append(1)
    d["a"].append(2)
    assert list(d.items()) == [("b", [1]), ("a", [2])]
    copy = pickle.loads(pickle.dumps(d))
    assert copy == d and copy.default_factory is list
    copy["c"].append(3)
    assert list(copy) == ["b", "a", "c"]
    plain = OrderedDefaultdict(None, [("x", 1)])
    assert plain["x"] == 1
    with pytest.raises(KeyError):
        plain["missing"]


def test_ordered_defaultdict_rejects_non_callable_factory():
    with pytest.raises(TypeError, match="callable"):
        OrderedDefaultdict(5)


def test_group_array_by_field():
    items = [{"group": "b", "n": 1}, {"n": 2}, {"group": "a", "n": 3}, {"group": "b", "n": 4}]
    groups = group_array_by_field(items)
    assert list(groups) == ["b", None, "a"]
    assert [i["n"] for i in groups["b"]] == [1, 4]
    assert [i["n"] for i in group_array_by_field(items, field="n")[2]] == [2]


def test_merge_is_recursive_and_in_place():
    d = {"a": {"b": 1, "c": 2}, "x": 1, "y": 5}
    result = merge(d, {"a": {"b": 3}, "x": {"deep": True}, "z": [1]})
    assert result is d
    assert d == {"a": {"b": 3, "c": 2}, "x": {"deep": True}, "y": 5, "z": [1]}


def test_json_duplicates_rejected():
    assert json_loads_raise_on_duplicates('{"a": 1, "b": {"a": 2}}') == {"a": 1, "b": {"a": 2}}
    with pytest.raises(ValueError, match="duplicate key: 'a'"):
        json_loads_raise_on_duplicates('{"a": 1, "a": 2}')
    with pytest.raises(ValueError, match="duplicate key"):
        json_load_raise_on_duplicates(io.StringIO('{"x": {"k": 1, "k": 1}}'))


def test_warn_prints_to_stderr(capsys):
    utils.warn("careful", 3, sep="-")
    captured = capsys.readouterr()
    assert captured.err == "careful-3\n" and captured.out == ""


def test_string_buffer_length_keeps_position():
    buf = io.BytesIO(b"0123456789")
    buf.seek(4)
    assert string_buffer_length(buf) == 10
    assert buf.tell() == 4


def test_constants():
    assert utils.basestring == (str, bytes)
    assert utils.THREAD_TIMEOUT_MAX == threading.TIMEOUT_MAX
    assert utils.DXError is dxpy.exceptions.DXError
    assert utils.Nonce is dxpy.utils.nonce.Nonce


# futures

def test_futures_helpers():
    pool = utils.get_futures_threadpool(2)
    try:
        futures = [pool.submit(pow, 2, n) for n in range(5)]
        first = utils.wait_for_a_future(futures)
        assert first in futures and first.done()
        utils.wait_for_all_futures(futures)
        assert all(f.done() for f in futures)
        assert sorted(f.result() for f in futures) == [1, 2, 4, 8, 16]
    finally:
        pool.shutdown()


def test_response_iterator_keeps_order_and_bounds_in_flight_tasks():
    lock = threading.Lock()
    state = {"active": 0, "peak": 0}
    third_done = threading.Event()

    def task(n):
        with lock:
            state["active"] += 1
            state["peak"] = max(state["peak"], state["active"])
        if n == 1:
            third_done.wait(10)  # task 1 finishes after task 3: results must stay in order
        with lock:
            state["active"] -= 1
        if n == 3:
            third_done.set()
        return n * 10

    submitted = []

    def requests():
        for n in range(1, 9):
            submitted.append(n)
            yield task, (n,), {}

    pool = utils.get_futures_threadpool(8)
    try:
        results = response_iterator(requests(), pool, max_active_tasks=3, do_first_task_sequentially=False)
        # Nothing is submitted before the first result is asked for; then at most 3 are.
        assert submitted == []
        assert next(results) == 10
        assert third_done.is_set()
        assert len(submitted) <= 4
        assert list(results) == [20, 30, 40, 50, 60, 70, 80]
        assert state["peak"] <= 3
    finally:
        pool.shutdown()


def test_response_iterator_runs_first_task_in_caller_thread():
    pool = utils.get_futures_threadpool(2)
    try:
        tasks = [(threading.current_thread, (), {}) for _ in range(3)]
        threads = list(response_iterator(iter(tasks), pool))
        assert threads[0] is threading.current_thread()
        assert all(t is not threading.current_thread() for t in threads[1:])
        assert list(response_iterator(iter([]), pool)) == []
        assert list(response_iterator(iter([]), pool, do_first_task_sequentially=False)) == []
    finally:
        pool.shutdown()


def test_response_iterator_raises_task_errors_in_order():
    def fail():
        raise KeyError("boom")

    pool = utils.get_futures_threadpool(2)
    try:
        results = response_iterator(iter([(int, ("1",), {}), (fail, (), {}), (int, ("3",), {})]), pool)
        assert next(results) == 1
        with pytest.raises(KeyError, match="boom"):
            next(results)
    finally:
        pool.shutdown()


@pytest.mark.parametrize("bad", [0, -1, "3", 2.5])
def test_response_iterator_rejects_bad_max_active_tasks(bad):
    pool = utils.get_futures_threadpool(1)
    try:
        with pytest.raises(ValueError, match="max_active_tasks"):
            list(response_iterator(iter([(int, (), {})]), pool, max_active_tasks=bad))
    finally:
        pool.shutdown()


def test_response_iterator_rejects_malformed_tasks():
    pool = utils.get_futures_threadpool(1)
    try:
        with pytest.raises(ValueError, match="callable, args, kwargs"):
            list(response_iterator(iter([(int, ())]), pool))
    finally:
        pool.shutdown()


# lazy attributes and import cost

def test_lazy_attributes():
    assert utils.resolver is sys.modules["dxpy.utils.resolver"]
    assert utils.printing is sys.modules["dxpy.utils.printing"]
    assert "resolver" in dir(utils) and "run" in dir(utils)
    with pytest.raises(AttributeError, match="no_such_thing"):
        utils.no_such_thing


def test_exec_utils_names_are_reexported():
    exec_utils = pytest.importorskip("dxpy.utils.exec_utils")
    for name in ("run", "entry_point", "convert_handlers_to_dxlinks", "parse_args_as_job_input", "DXJSONEncoder"):
        assert getattr(utils, name) is getattr(exec_utils, name)


def test_import_dxpy_utils_stays_light():
    code = ("import sys, dxpy, dxpy.utils; "
            "heavy = [m for m in ('concurrent.futures', 'datetime', 'dxpy.utils.resolver', 'dxpy.bindings', "
            "'dxpy.utils.exec_utils', 'numbers') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
