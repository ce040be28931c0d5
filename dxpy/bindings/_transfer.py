"""The machinery under file transfers: part sizes, the shared worker pool, the Transfer that
runs one call's jobs on it (captured API server, abort flag, bounded join), bounded sets of
running jobs, ordered read-ahead, file slices sent as they are read and the progress line. The callers hand in
the functions that fetch and send (through ``dxpy.DXHTTPRequest``)."""
import collections
import concurrent.futures
import contextlib
import heapq
import math
import mmap
import os
import sys
import threading

from ..exceptions import DXFileError

# -- part sizes ------------------------------------------------------------------------------


def readable_size(num_bytes):
    """``num_bytes`` as "12 bytes", "1.50 MiB", ... (binary units)."""
    if num_bytes < 1024:
        return "%d %s" % (num_bytes, "byte" if num_bytes == 1 else "bytes")
    value = float(num_bytes)
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        value /= 1024
        if value < 1024 or unit == "TiB":
            return "%.2f %s" % (value, unit)


def part_size(hint, upload_params, expected_file_size=None, file_is_mmapd=False):
    """The part size to cut an upload into: *hint* moved into what the region allows
    (``fileUploadParameters``) and large enough for *expected_file_size* to fit in the
    maximum number of parts; with *file_is_mmapd*, a multiple of mmap's granularity."""
    max_parts = upload_params["maximumNumParts"]
    smallest = upload_params["minimumPartSize"]
    largest = upload_params["maximumPartSize"]
    max_file_size = upload_params["maximumFileSize"]
    if expected_file_size is not None:
        if expected_file_size > max_file_size:
            raise DXFileError("Size of file exceeds maximum of %s" % readable_size(max_file_size))
        smallest = max(smallest, int(math.ceil(float(expected_file_size) / max_parts)))
    if file_is_mmapd:
        grain = mmap.ALLOCATIONGRANULARITY
        smallest += -smallest % grain
        largest -= largest % grain
        hint -= hint % grain
    size = min(max(hint, smallest), largest)
    if expected_file_size is not None and size * max_parts < expected_file_size:
        raise DXFileError("A file of %s cannot be uploaded in %d parts of at most %s"
                          % (readable_size(expected_file_size), max_parts, readable_size(largest)))
    return size


# -- how many connections ---------------------------------------------------------------------
#
# A transfer's speed is set by the connections kept busy, not by the CPUs: on a WAN each TCP
# connection gets about its window over the round trip (tens of MiB/s), while the client's
# own work per byte (MD5, copies) stays far below a core's speed. Downloads stream each range
# to disk and uploads send parts from the file, so a connection costs a thread and about
# one block of memory: 16 connections fill a cloud worker's link at round trips of 1-200 ms
# without holding more memory than dxpy does with 2 (README: transfer benchmark).

CONNECTIONS_VARIABLE = "DX_TRANSFER_CONNECTIONS"
DEFAULT_CONNECTIONS = 16
MAX_CONNECTIONS = 32  # dxpy.http keeps this many connections per host (POOL_SIZE)
# Bytes of file data that transfers holding parts in memory (DXFile.write, DXFile.read)
# keep in flight at most, whatever the number of connections (at least two parts).
MEMORY_BUDGET = 48 * 1024 * 1024
# The largest range DXFile.read fetches at once (its read buffer size may be smaller): small
# ranges let more connections share the memory budget, which pays where each connection gets
# a limited rate (a WAN). Once ranges arrive at FAST_CONNECTION_RATE or more per connection,
# two at a time are enough (one arriving while the reader takes the other): more would only
# contend for the CPU and hold memory.
READ_RANGE_MAX = 8 * 1024 * 1024
FAST_CONNECTION_RATE = 128 * 1024 * 1024


def check_connections(value, what="the number of connections"):
    """*value* if it is an integer from 1 to MAX_CONNECTIONS; ValueError otherwise."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_CONNECTIONS:
        raise ValueError("%s must be an integer from 1 to %d, not %r" % (what, MAX_CONNECTIONS, value))
    return value


def default_connections(environ=None):
    """The connections a transfer uses unless told otherwise: $DX_TRANSFER_CONNECTIONS, else
    DEFAULT_CONNECTIONS (a bad value is reported, then ignored)."""
    text = (os.environ if environ is None else environ).get(CONNECTIONS_VARIABLE, "").strip()
    if not text:
        return DEFAULT_CONNECTIONS
    try:
        return check_connections(int(text) if text.isdigit() else text, CONNECTIONS_VARIABLE)
    except ValueError as e:
        from ..utils import warn
        warn("%s; using %d" % (e, DEFAULT_CONNECTIONS))
        return DEFAULT_CONNECTIONS


def parts_in_memory(connections, part_size):
    """How many parts held in memory may be in flight: one per connection, within MEMORY_BUDGET."""
    return max(2, min(connections, MEMORY_BUDGET // max(1, part_size)))


# -- the worker pool -------------------------------------------------------------------------

_pool_lock = threading.Lock()
_pool = None
_pool_key = None


def worker_pool(size):
    """The process's transfer pool, with *size* threads (made anew after a fork or when the
    size changes: a pool inherited through fork has no threads). Workers never wait on the
    pool themselves, so sharing it between files cannot deadlock."""
    global _pool, _pool_key
    key = (os.getpid(), size)
    if _pool_key != key:
        with _pool_lock:
            if _pool_key != key:
                _pool = concurrent.futures.ThreadPoolExecutor(max_workers=size, thread_name_prefix="dxfile")
                _pool_key = key
    return _pool


# Longest wait, when a transfer is given up on, for its running jobs to notice and stop. A
# job asleep between retries wakes later, sees the abort flag and sends nothing more.
ABORT_JOIN_SECONDS = 10


class TransferAborted(DXFileError):
    """Raised inside a job of a transfer that was given up on, instead of its next attempt."""


class Transfer(object):
    """The background work of one transfer call on the shared pool.

    It captures the API server and credentials when it begins, so that a retry in a worker
    never follows a later change of the configuration, and it has an abort flag that every
    job checks before it starts and before each attempt at a request (``check``).
    ``abort`` cancels the queued jobs and waits (bounded) for the running ones."""

    def __init__(self, threads, connections=None):
        import dxpy
        self.threads = max(1, threads)
        self.pool = worker_pool(self.threads)
        # Jobs that send take a connection for the time of the send (a job may prepare its
        # part while *connections* others are sending).
        self.connections = OrderedSlots(connections or self.threads)
        self.apiserver, self.auth = dxpy.APISERVER, dxpy.AUTH_HELPER
        self.aborted = False
        self._lock = threading.Lock()
        self._futures = set()

    def check(self):
        if self.aborted:
            raise TransferAborted("the transfer was given up on")

    def submit(self, fn, *args, **kwargs):
        self.check()
        future = self.pool.submit(self._run, fn, args, kwargs)
        with self._lock:
            self._futures.add(future)
        future.add_done_callback(self._forget)
        return future

    def _run(self, fn, args, kwargs):
        self.check()  # queued before the abort, started after it
        return fn(*args, **kwargs)

    def _forget(self, future):
        with self._lock:
            self._futures.discard(future)

    def api_call(self, route, payload, **kwargs):
        """POST *payload* to *route* of the captured API server (with retries); no attempt
        starts once the transfer is aborted."""
        import dxpy

        def resource():
            self.check()
            return self.apiserver + route, {}
        kwargs.setdefault("always_retry", True)
        return dxpy.DXHTTPRequest(resource, payload, prepend_srv=False, auth=self.auth, **kwargs)

    def abort(self, timeout=ABORT_JOIN_SECONDS):
        """Stop: queued jobs never start, running ones make no new attempt; wait for them."""
        self.aborted = True
        with self._lock:
            futures = list(self._futures)
        for future in futures:
            future.cancel()
        concurrent.futures.wait(futures, timeout)

    def running(self):
        """How many of its jobs are queued or running."""
        with self._lock:
            return len(self._futures)


class OrderedSlots(object):
    """*count* slots, granted in the order of the numbers the waiters hold (parts go out in
    order even when a later one is ready first): ``with slots.taken(number): ...``."""

    def __init__(self, count):
        self._free = count
        self._waiting = []  # a heap of the numbers waiting
        self._cond = threading.Condition()

    @contextlib.contextmanager
    def taken(self, number):
        with self._cond:
            heapq.heappush(self._waiting, number)
            while not (self._free and self._waiting[0] == number):
                self._cond.wait()
            heapq.heappop(self._waiting)
            self._free -= 1
            self._cond.notify_all()
        try:
            yield
        finally:
            with self._cond:
                self._free += 1
                self._cond.notify_all()


class BoundedJobs(object):
    """Jobs of one writer on the pool, at most *jobs* of them unfinished (``limits`` is
    ``(jobs, connections)``): ``submit`` waits for a slot, which bounds the memory the
    jobs' data holds. Each job is called with the Transfer as its first argument. The
    first failure aborts the rest and is raised by the ``submit`` or ``wait_all`` that
    notices it."""

    def __init__(self):
        self.transfer = None
        self._futures = set()

    def __len__(self):
        return len(self._futures)

    def submit(self, limits, fn, *args, **kwargs):
        if self.transfer is None:
            self.transfer = Transfer(*limits)
        try:
            while len(self._futures) >= self.transfer.threads:
                self._collect(concurrent.futures.FIRST_COMPLETED)
            self._futures.add(self.transfer.submit(fn, self.transfer, *args, **kwargs))
        except BaseException:
            self._abort()
            raise

    def wait_all(self):
        try:
            while self._futures:
                self._collect(concurrent.futures.FIRST_EXCEPTION)
        except BaseException:
            self._abort()
            raise
        self.transfer = None  # the next write captures the configuration anew

    def _collect(self, return_when):
        done, _ = concurrent.futures.wait(self._futures, return_when=return_when)
        self._futures.difference_update(done)
        for future in done:
            error = future.exception()
            if error is not None:
                raise error

    def _abort(self):
        # Whatever was still on its way is not reported as written.
        if self.transfer is not None:
            self.transfer.abort()
        self._futures.clear()
        self.transfer = None


class OrderedPrefetch(object):
    """Run ``fn(*task)`` for each task of *tasks* as jobs of *transfer*, at most *depth*
    ahead of the consumer, and hand back the results in task order (``next()``; None at
    the end). With *budget* (a function giving bytes), the tasks in flight also weigh at
    most ``budget()`` bytes in all (``size_of(task)`` each; one task always runs). A
    failure, or ``close``, aborts the transfer."""

    def __init__(self, transfer, depth, fn, tasks, before_abort=None, budget=None, size_of=None):
        self.transfer, self._depth, self._fn = transfer, max(1, depth), fn
        self._before_abort = before_abort
        self._tasks = iter(tasks)
        self._budget, self._size_of = budget, size_of
        self._running = collections.deque()  # (future, bytes)
        self._weight = 0  # bytes of the tasks in flight
        self._next_task = None
        self._fill()

    def _fill(self):
        while len(self._running) < self._depth:
            if self._next_task is None:
                self._next_task = next(self._tasks, None)
                if self._next_task is None:
                    return
            size = 0
            if self._budget is not None:
                size = self._size_of(self._next_task)
                if self._running and self._weight + size > self._budget():
                    return
            task, self._next_task = self._next_task, None
            self._running.append((self.transfer.submit(self._fn, *task), size))
            self._weight += size

    def next(self):
        if not self._running:
            return None
        future, size = self._running.popleft()
        self._weight -= size
        try:
            result = future.result()
            self._fill()
        except BaseException:
            self.close()
            raise
        return result

    def close(self):
        """Give up on the results still due: nothing of this prefetch runs after it returns
        (unless a job outlives ABORT_JOIN_SECONDS; it then starts no new attempt)."""
        self._running.clear()
        self._tasks, self._next_task = iter(()), None
        if self._before_abort is not None:
            self._before_abort()
        self.transfer.abort()


def ranges(start, end, first_size, max_size):
    """``(first, end_exclusive)`` spans covering [start, end): *first_size* bytes, then
    doubling up to *max_size*, so a short read costs little and a long one goes fast."""
    size = max(1, min(first_size, max_size))
    while start < end:
        stop = min(start + size, end)
        yield start, stop
        start = stop
        size = min(size * 2, max_size)


class ReadAheadBudget(object):
    """Bytes of ranges of at most *range_size* that a reader keeps in flight (call it):
    MEMORY_BUDGET while connections are slow, two ranges while the ranges fetched arrive at
    FAST_CONNECTION_RATE or more (``arrived``, from any thread)."""

    def __init__(self, range_size):
        self._range_size = range_size
        self.fast = False  # until ranges say otherwise: on a slow link every connection counts

    def arrived(self, size, seconds):
        """A range of *size* bytes took *seconds* to fetch."""
        self.fast = size >= seconds * FAST_CONNECTION_RATE

    def __call__(self):
        return 2 * self._range_size if self.fast else max(2 * self._range_size, MEMORY_BUDGET)


# -- progress --------------------------------------------------------------------------------

class Progress(object):
    """The one-line progress report on stderr. On a terminal the line is redrawn in place;
    elsewhere (a log file, a pipe) plain lines are written at every tenth, without control
    characters."""

    TICKS = 60

    def __init__(self, total, name, action, stream=None):
        self.stream = stream if stream is not None else sys.stderr
        self.total, self.name, self.action = total, name, action
        self.done = 0
        self._lock = threading.Lock()
        try:
            self._tty = self.stream.isatty()
        except (AttributeError, ValueError):
            self._tty = False
        self._last_tenth = None

    def line(self, done, action):
        size = max(self.total or 1, done)
        ticks = int(round(done * self.TICKS / float(size)))
        percent = int(math.floor(done * 100 / float(size)))
        bar = ("=" * (ticks - 1) + ">" if ticks > 0 else "") + " " * (self.TICKS - ticks)
        of = " of {0:,}".format(self.total) if self.total else ""
        return "[{0}] {1} {2:,}{3} bytes ({4}%) {5}".format(bar, action, done, of, percent, self.name)

    def add(self, num_bytes, action=None):
        with self._lock:
            self.done += num_bytes
            self._show(action or self.action, force=False)

    def show(self, action=None, done=None):
        with self._lock:
            if done is not None:
                self.done = done
            self._show(action or self.action, force=True)

    def _show(self, action, force):
        if self._tty:
            self.stream.write("\33[2K" + self.line(self.done, action) + "\r")
        else:
            tenth = (self.done * 10 // self.total) if self.total else 0
            if not force and tenth == self._last_tenth:
                return
            self._last_tenth = tenth
            self.stream.write(self.line(self.done, action) + "\n")
        self.stream.flush()

    def finish(self, action=None):
        """The final state; on a terminal, end the line that was redrawn."""
        with self._lock:
            self._last_tenth = None
            self._show(action or self.action, force=True)
            if self._tty:
                self.stream.write("\n")
                self.stream.flush()


# -- sending a part ----------------------------------------------------------------------------

# Blocks in which local file data is read for checksums (one per busy worker in memory).
FILE_BLOCK = 1024 * 1024


class FileSlice(object):
    """*size* bytes of the open file *fileno* from *offset*, read as they are sent (through
    ``os.pread``, or by the kernel from the file: the part is never held in memory, and parts
    of one file are read by several workers at once). Seekable, so that a retry sends it again."""

    def __init__(self, fileno, offset, size):
        self.fileno, self.offset, self.size = fileno, offset, size
        self._pos = 0

    def __len__(self):
        return self.size

    def read(self, size=-1):
        left = self.size - self._pos
        size = left if size is None or size < 0 else min(size, left)
        if size <= 0:
            return b""
        block = os.pread(self.fileno, size, self.offset + self._pos)
        if not block:
            raise DXFileError("the local file ended before byte %d" % (self.offset + self.size))
        self._pos += len(block)
        return block

    def tell(self):
        return self._pos

    def seek(self, offset, whence=os.SEEK_SET):
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._pos, os.SEEK_END: self.size}[whence]
        self._pos = max(0, min(self.size, base + offset))
        return self._pos

    def file_region(self):
        """The rest of the slice from the send position, as a slice of its own, for a
        connection that sends it straight from the file (dxpy._pools)."""
        return FileSlice(self.fileno, self.offset + self._pos, self.size - self._pos)

    def blocks(self, block_size):
        """The slice's bytes in blocks (for its checksum), without moving the send position."""
        for start in range(0, self.size, block_size):
            block = os.pread(self.fileno, min(block_size, self.size - start), self.offset + start)
            if not block:
                raise DXFileError("the local file ended before byte %d" % (self.offset + self.size))
            yield block


class BlockReader(object):
    """Bytes handed to the HTTP client as a seekable file of known length, so that it sends
    them in blocks: the socket timeout then bounds each block (an idle timeout), not the
    whole send, and a large part on a slow link does not time out while bytes move."""

    def __init__(self, data):
        self._view = memoryview(data).cast("B")
        self._pos = 0

    def __len__(self):
        return len(self._view)  # requests sends len() - tell() bytes

    def read(self, size=-1):
        end = len(self._view) if size is None or size < 0 else min(len(self._view), self._pos + size)
        block = self._view[self._pos:end].tobytes()
        self._pos = end
        return block

    def tell(self):
        return self._pos

    def seek(self, offset, whence=os.SEEK_SET):
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._pos, os.SEEK_END: len(self._view)}[whence]
        self._pos = max(0, min(len(self._view), base + offset))
        return self._pos
