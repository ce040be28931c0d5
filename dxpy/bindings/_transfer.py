"""The machinery under file transfers: part sizes, the shared worker pool, bounded sets of
running jobs, ordered read-ahead and the progress line. Nothing here talks HTTP: the
callers hand in the functions that do (through ``dxpy.DXHTTPRequest``)."""
import collections
import concurrent.futures
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


class BoundedJobs(object):
    """Jobs submitted to a pool, at most *limit* of them unfinished: ``submit`` waits for a
    slot, which bounds the memory the jobs' data holds. The first failure is raised by the
    ``submit`` or ``wait_all`` that notices it."""

    def __init__(self):
        self._futures = set()

    def __len__(self):
        return len(self._futures)

    def submit(self, pool, limit, fn, *args, **kwargs):
        while len(self._futures) >= max(1, limit):
            done, _ = concurrent.futures.wait(self._futures, return_when=concurrent.futures.FIRST_COMPLETED)
            self._collect(done)
        self._futures.add(pool.submit(fn, *args, **kwargs))

    def wait_all(self):
        if not self._futures:
            return
        concurrent.futures.wait(self._futures)
        self._collect(set(self._futures))

    def _collect(self, done):
        self._futures.difference_update(done)
        for future in done:
            error = future.exception()
            if error is not None:
                # The rest are left to finish; their data must not be reported as written.
                concurrent.futures.wait(self._futures)
                self._futures.clear()
                raise error


class OrderedPrefetch(object):
    """Run ``fn(*args)`` for each item of *tasks* on *pool*, at most *depth* ahead of the
    consumer, and hand back the results in task order (``next()``; None at the end)."""

    def __init__(self, pool, depth, fn, tasks):
        self._pool, self._depth, self._fn = pool, max(1, depth), fn
        self._tasks = iter(tasks)
        self._running = collections.deque()
        self._fill()

    def _fill(self):
        while len(self._running) < self._depth:
            task = next(self._tasks, None)
            if task is None:
                return
            self._running.append(self._pool.submit(self._fn, *task))

    def next(self):
        if not self._running:
            return None
        future = self._running.popleft()
        try:
            result = future.result()
        except BaseException:
            self.close()
            raise
        self._fill()
        return result

    def close(self):
        """Give up on the results still due (running ones finish; queued ones never start)."""
        for future in self._running:
            future.cancel()
        self._running.clear()
        self._tasks = iter(())


class ChainedHashes(object):
    """Running hashes of parts fetched as several ranges by several workers: each range is
    added in its turn (after the one before it in the same part), so parts hash in parallel
    while each one's ranges hash in order. ``close`` (or a failed range) releases waiters."""

    def __init__(self, new_hasher):
        self._new_hasher = new_hasher
        self._cond = threading.Condition()
        self._parts = {}  # key -> [hasher, next start, failed]
        self._closed = False

    def _state(self, key, first_start):
        state = self._parts.get(key)
        if state is None:
            state = self._parts[key] = [self._new_hasher(), first_start, False]
        return state

    def add(self, key, first_start, start, stop, data):
        """Hash *data* (bytes [start, stop) of part *key*, which begins at *first_start*);
        returns the part's hasher."""
        with self._cond:
            state = self._state(key, first_start)
            while state[1] != start and not state[2] and not self._closed:
                self._cond.wait()
            if state[2] or self._closed:
                raise DXFileError("an earlier range of the same part failed")
        state[0].update(data)  # this worker's turn: nobody else touches this hasher now
        with self._cond:
            state[1] = stop
            self._cond.notify_all()
        return state[0]

    def fail(self, key, first_start):
        with self._cond:
            self._state(key, first_start)[2] = True
            self._cond.notify_all()

    def close(self):
        with self._cond:
            self._closed = True
            self._cond.notify_all()


def ranges(start, end, first_size, max_size):
    """``(first, end_exclusive)`` spans covering [start, end): *first_size* bytes, then
    doubling up to *max_size*, so a short read costs little and a long one goes fast."""
    size = max(1, min(first_size, max_size))
    while start < end:
        stop = min(start + size, end)
        yield start, stop
        start = stop
        size = min(size * 2, max_size)


# -- memory ----------------------------------------------------------------------------------

_trim = []


def release_freed_memory():
    """Hand memory freed by finished ranges back to the system. glibc raises its mmap
    threshold after the first large free, so later multi-MiB buffers come from the heaps and
    stay counted in the process's RSS after they are freed; malloc_trim returns them.
    A no-op elsewhere."""
    if not _trim:
        try:
            import ctypes
            libc = ctypes.CDLL("libc.so.6")
            _trim.append(libc.malloc_trim)
        except (OSError, AttributeError):
            _trim.append(None)
    if _trim[0] is not None:
        _trim[0](0)


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
