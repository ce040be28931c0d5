"""Utilities shared by the dxpy modules.

``import dxpy`` imports this package, so it only loads what the interpreter has already
loaded at start-up. Thread pools, JSON and date parsing are imported inside the functions
that need them; the submodules (``resolver``, ``exec_utils``, ...) and the names dxpy
re-exports from ``exec_utils`` (``run``, ``entry_point``, ...) load on first access.
"""
import _thread
import collections
import importlib
import os
import sys
from collections.abc import Mapping, MutableMapping

from .nonce import Nonce

basestring = (str, bytes)
THREAD_TIMEOUT_MAX = _thread.TIMEOUT_MAX

# Milliseconds in one unit of a relative time such as "-2d" ("M" is 30 days, "y" 365 days).
_UNIT_MS = {"s": 1000, "m": 60 * 1000, "h": 3600 * 1000, "d": 86400 * 1000, "w": 7 * 86400 * 1000,
            "M": 30 * 86400 * 1000, "y": 365 * 86400 * 1000}

_TIME_INPUT_ERROR = ('Error: Expected an int timestamp, a date format (e.g. YYYY-MM-DD), or an int with a '
                     'single-letter suffix (s=seconds, m=minutes, h=hours, d=days, w=weeks, M=months, '
                     'y=years; e.g. "-10d" indicates 10 days ago); but got {t}')

# Date layouts understood besides ISO 8601, tried in order (naive ones are local time).
_DATE_FORMATS = ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f%z",
                 "%Y-%m-%d %H:%M:%S.%f%z", "%Y/%m/%d", "%Y/%m/%d %H:%M", "%Y/%m/%d %H:%M:%S",
                 "%m/%d/%Y", "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%d %b %Y", "%d %B %Y",
                 "%b %d %Y", "%B %d %Y", "%b %d, %Y", "%B %d, %Y")


def _exit_on_interrupt(print_traceback):
    # A worker thread may never finish; only leaving the process at once ends the wait.
    if print_traceback:
        import traceback
        traceback.print_stack()
    else:
        print("")
    os._exit(os.EX_IOERR)


def get_futures_threadpool(max_workers):
    """A ``concurrent.futures.ThreadPoolExecutor`` with *max_workers* threads."""
    import concurrent.futures
    return concurrent.futures.ThreadPoolExecutor(max_workers=max_workers)


def wait_for_a_future(futures, print_traceback=False):
    """Return the first of *futures* to complete. Ctrl-C ends the process (exit status
    ``os.EX_IOERR``) instead of waiting for the worker threads."""
    import concurrent.futures
    while True:
        try:
            return next(concurrent.futures.as_completed(futures, timeout=THREAD_TIMEOUT_MAX))
        except concurrent.futures.TimeoutError:
            continue
        except KeyboardInterrupt:
            _exit_on_interrupt(print_traceback)


def wait_for_all_futures(futures, print_traceback=False):
    """Wait until every one of *futures* has completed. The wait is done in slices so that
    Ctrl-C is noticed; it ends the process (exit status ``os.EX_IOERR``)."""
    import concurrent.futures
    try:
        while concurrent.futures.wait(futures, timeout=60).not_done:
            pass
    except KeyboardInterrupt:
        _exit_on_interrupt(print_traceback)


def response_iterator(request_iterator, thread_pool, max_active_tasks=None, do_first_task_sequentially=True):
    """Run tasks on *thread_pool* and yield their results in the order of the tasks.

    *request_iterator* yields ``(callable, args, kwargs)`` triples (``None`` also ends it).
    At most *max_active_tasks* (default: the number of CPUs) tasks are running or waiting
    for their result to be consumed, so a slow consumer holds back new submissions. With
    *do_first_task_sequentially* the first task runs in the calling thread before any
    other is submitted. A task's exception is raised when its result is reached; closing
    the generator early cancels the tasks that have not started.
    """
    tasks = iter(request_iterator)
    if max_active_tasks is None:
        max_active_tasks = os.cpu_count() or 1
    if not isinstance(max_active_tasks, int) or isinstance(max_active_tasks, bool) or max_active_tasks < 1:
        raise ValueError("max_active_tasks must be a positive integer, not %r" % (max_active_tasks,))

    def next_task():
        task = next(tasks, None)
        if task is None:
            return None
        if not (isinstance(task, (tuple, list)) and len(task) == 3):
            raise ValueError("response_iterator expects (callable, args, kwargs) tasks, got %r" % (task,))
        return task

    if do_first_task_sequentially:
        first = next_task()
        if first is None:
            return
        func, args, kwargs = first
        yield func(*args, **kwargs)

    in_flight = collections.deque()

    def submit_next():
        task = next_task()
        if task is None:
            return False
        func, args, kwargs = task
        in_flight.append(thread_pool.submit(func, *args, **kwargs))
        return True

    try:
        while len(in_flight) < max_active_tasks and submit_next():
            pass
        while in_flight:
            future = in_flight.popleft()
            try:
                result = future.result(timeout=THREAD_TIMEOUT_MAX)
            except KeyboardInterrupt:
                _exit_on_interrupt(False)
            submit_next()
            yield result
            del result  # do not keep a large result alive while the next one is awaited
    finally:
        for future in in_flight:
            future.cancel()


def string_buffer_length(buf):
    """The total length of the seekable buffer *buf*; its position is left unchanged."""
    position = buf.tell()
    buf.seek(0, os.SEEK_END)
    length = buf.tell()
    buf.seek(position)
    return length


def _parse_date_ms(text):
    """Milliseconds since the epoch for a date string; ValueError when it is not one.

    Accepted: ISO 8601 (``2012-05-01``, ``2012-05-01T10:20:30``, ``... 10:20:30.5+02:00``,
    a trailing ``Z``), ``2012/05/01 [HH:MM[:SS]]``, ``05/01/2012 [HH:MM[:SS]]`` (month
    first), ``1 May 2012``, ``May 1 2012``, ``May 1, 2012``. A date without a time zone is
    local time.
    """
    import datetime
    candidate = text.strip()
    if candidate.endswith(("Z", "z")):
        candidate = candidate[:-1] + "+00:00"
    try:
        parsed = datetime.datetime.fromisoformat(candidate)
    except ValueError:
        parsed = None
        for layout in _DATE_FORMATS:
            try:
                parsed = datetime.datetime.strptime(candidate, layout)
                break
            except ValueError:
                continue
        if parsed is None:
            raise ValueError(text)
    return _datetime_ms(parsed)


def _datetime_ms(value):
    import datetime
    if not isinstance(value, datetime.datetime):  # a date: its local midnight
        value = datetime.datetime(value.year, value.month, value.day)
    try:
        return int(round(value.timestamp() * 1000))
    except (OverflowError, OSError, ValueError):
        raise ValueError(value)


def normalize_time_input(t, future=False, default_unit='ms'):
    """Milliseconds since the epoch for *t*.

    *t* may be an integer timestamp (or a string of digits) in *default_unit* ("ms" or
    "s"); a relative time, an integer with a unit suffix (s, m, h, d, w, M=30 days,
    y=365 days), negative for the past (``"-5d"`` is five days ago); a date string (see
    :func:`_parse_date_ms` for the layouts); or a ``datetime.datetime``/``datetime.date``.
    Negative results are taken relative to now; with *future*, so is any result that is
    still in the past (``"5d"`` is then five days from now). Anything else raises
    ValueError.
    """
    if isinstance(t, bytes):
        t = t.decode("utf-8", "replace")
    if isinstance(t, str) and t.strip().isdigit():
        t = int(t.strip())
    if isinstance(t, str):
        try:
            t = normalize_timedelta(t.strip())
        except ValueError:
            try:
                t = _parse_date_ms(t)
            except ValueError:
                raise ValueError(_TIME_INPUT_ERROR.format(t=t))
            if t <= 0:
                raise ValueError(_TIME_INPUT_ERROR.format(t=t))
    elif _is_integer(t):
        if default_unit not in ("ms", "s"):
            raise ValueError("Expected default_unit to be one of 's' or 'ms', not %r" % (default_unit,))
        if default_unit == "s":
            t *= 1000
    elif _is_date(t):
        t = _datetime_ms(t)
    else:
        raise ValueError(_TIME_INPUT_ERROR.format(t=t))
    import time
    now = int(time.time() * 1000)
    if t < 0 or (future and t < now):
        t += now
    return t


def _is_integer(value):
    import numbers
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_date(value):
    datetime = sys.modules.get("datetime")  # a datetime object means the module is loaded
    return datetime is not None and isinstance(value, datetime.date)


def normalize_timedelta(timedelta):
    """Milliseconds in a duration such as ``"1w"`` or ``"-5d"`` (units as in
    :func:`normalize_time_input`); a number without a unit is seconds. ValueError otherwise.
    (Unrelated to ``datetime.timedelta``.)"""
    try:
        return int(timedelta) * 1000
    except ValueError:
        pass
    except TypeError:
        raise TypeError("Expected a duration such as '-5d', got %r" % (timedelta,))
    number, unit = timedelta[:-1], timedelta[-1:]
    if unit not in _UNIT_MS:
        raise ValueError("Expected a duration such as '-5d' (units s, m, h, d, w, M, y), got %r" % (timedelta,))
    try:
        return int(number) * _UNIT_MS[unit]
    except ValueError:
        raise ValueError("Expected a whole number before the unit of %r" % (timedelta,))


class OrderedDefaultdict(collections.OrderedDict):
    """An ``OrderedDict`` that, like ``defaultdict``, fills in missing keys with
    ``default_factory()`` (the optional first positional argument)."""

    def __init__(self, *args, **kwargs):
        default_factory = None
        if args:
            default_factory, args = args[0], args[1:]
            if default_factory is not None and not callable(default_factory):
                raise TypeError("first argument must be callable or None")
        self.default_factory = default_factory
        super(OrderedDefaultdict, self).__init__(*args, **kwargs)

    def __missing__(self, key):
        if self.default_factory is None:
            raise KeyError(key)
        value = self[key] = self.default_factory()
        return value

    def __reduce__(self):
        factory_args = (self.default_factory,) if self.default_factory is not None else ()
        return type(self), factory_args, None, None, iter(self.items())

    def __repr__(self):
        return "%s(%r, %r)" % (type(self).__name__, self.default_factory, list(self.items()))


def group_array_by_field(array, field='group'):
    """Group the dicts of *array* by their value of *field* (None when it is missing),
    keeping the order of first appearance."""
    groups = OrderedDefaultdict(list)
    for item in array:
        groups[item.get(field)].append(item)
    return groups


def merge(d, u):
    """Recursively update the dict *d* with *u* and return *d*:
    ``merge({"a": {"b": 1, "c": 2}}, {"a": {"b": 3}}) == {"a": {"b": 3, "c": 2}}``.
    A mapping in *u* replaces a value of *d* that is not a mapping."""
    for key, value in u.items():
        if isinstance(value, Mapping):
            current = d.get(key)
            d[key] = merge(current if isinstance(current, MutableMapping) else {}, value)
        else:
            d[key] = value
    return d


def _dict_raise_on_duplicates(ordered_pairs):
    result = {}
    for key, value in ordered_pairs:
        if key in result:
            raise ValueError("duplicate key: %r" % (key,))
        result[key] = value
    return result


def json_load_raise_on_duplicates(*args, **kwargs):
    """``json.load`` that raises ValueError when an object repeats a key."""
    import json
    kwargs["object_pairs_hook"] = _dict_raise_on_duplicates
    return json.load(*args, **kwargs)


def json_loads_raise_on_duplicates(*args, **kwargs):
    """``json.loads`` that raises ValueError when an object repeats a key."""
    import json
    kwargs["object_pairs_hook"] = _dict_raise_on_duplicates
    return json.loads(*args, **kwargs)


def warn(*args, **kwargs):
    """``print`` to standard error."""
    print(*args, file=sys.stderr, **kwargs)


# Names loaded on first access: module -> names it provides here.
_LAZY_NAMES = {
    "exec_utils": ("run", "entry_point", "convert_handlers_to_dxlinks", "parse_args_as_job_input",
                   "DXJSONEncoder"),
}
_LAZY_SUBMODULES = ("config", "describe", "exec_utils", "file_load_utils", "local_exec_utils",
                    "pretty_print", "printing", "resolver")


def __getattr__(name):
    if name == "DXError":
        from ..exceptions import DXError
        return DXError
    for module_name, names in _LAZY_NAMES.items():
        if name in names:
            value = getattr(importlib.import_module("." + module_name, __name__), name)
            globals()[name] = value
            return value
    if name in _LAZY_SUBMODULES:
        try:
            return importlib.import_module("." + name, __name__)
        except ModuleNotFoundError as e:
            if e.name != __name__ + "." + name:
                raise
    raise AttributeError("module %r has no attribute %r" % (__name__, name))


def __dir__():
    lazy = [name for names in _LAZY_NAMES.values() for name in names]
    return sorted(set(globals()) | set(lazy) | set(_LAZY_SUBMODULES) | {"DXError"})


__all__ = ["Nonce", "OrderedDefaultdict", "THREAD_TIMEOUT_MAX", "basestring", "get_futures_threadpool",
           "group_array_by_field", "json_load_raise_on_duplicates", "json_loads_raise_on_duplicates", "merge",
           "normalize_time_input", "normalize_timedelta", "response_iterator", "string_buffer_length",
           "wait_for_a_future", "wait_for_all_futures", "warn"]
