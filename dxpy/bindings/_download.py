"""download_dxfile's engine: the file is cut into byte ranges that several connections fetch
at once, each streamed straight to its place in the local file.

A range's body is handed over in blocks as it arrives (``body_sink`` of DXHTTPRequest): each
block is written at its offset and fed to the running check of its part, so memory holds a
block per connection whatever the range or part size, and a connection asks for its next
range as soon as the last block is written. A part wholly inside one range is checked as it
streams; a part larger than a range (a symlinked file's single part, say) is fetched as
several ranges in parallel and checked by reading back, in order, the bytes that landed.
A broken stream is resumed where it stopped. Parts whose check fails are fetched again (dxpy's
back-off, PART_ATTEMPTS in all); on any other failure the local file is cut after the bytes
known to have landed, so that a later call resumes there."""
import bisect
import collections
import concurrent.futures
import logging
import os
import threading
import time

import dxpy
import dxpy.http
from dxpy import retry
from . import _transfer
from ._checksums import PartCheck
from ..compat import md5_hasher
from ..exceptions import DXChecksumMismatchError, DXIncompleteReadsError

logger = logging.getLogger("dxpy")

# Attempts at a part whose downloaded bytes do not match its checksum.
PART_ATTEMPTS = 3
# Attempts at a range that keeps ending early (each one retried by DXHTTPRequest).
RANGE_ATTEMPTS = 3
# Ranges: large enough that the round trip before each one costs little, small enough that
# the connections finish together and a failure costs little.
MIN_RANGE = 8 * 1024 * 1024
MAX_RANGE = 64 * 1024 * 1024
RANGE_TIMEOUT = 60
# Connections a download starts with, how often it looks at their speed, and the speed (bytes
# per second per connection) below which it adds more.
FIRST_CONNECTIONS = 4
RAMP_SECONDS = 0.1
FAST_CONNECTION = 64 * 1024 * 1024

Span = collections.namedtuple("Span", "index part_id start end check")


def _write_at(fh, data, offset):
    """Write *data* at *offset* of *fh* (the caller serializes calls where there is no pwrite)."""
    if not hasattr(os, "pwrite"):
        fh.seek(offset)
        fh.write(data)
        fh.flush()
        return
    view = memoryview(data)
    while len(view):
        written = os.pwrite(fh.fileno(), view, offset)
        view, offset = view[written:], offset + written


def _blocks_at(fh, offset, size, lock=None):
    """The bytes [offset, offset + size) of *fh*, in blocks (where there is no pread, each
    seek and read is made under *lock*, the one writes take)."""
    while size > 0:
        want = min(_transfer.FILE_BLOCK, size)
        if hasattr(os, "pread"):
            block = os.pread(fh.fileno(), want, offset)
        else:
            with lock or threading.Lock():
                fh.seek(offset)
                block = fh.read(want)
        if not block:
            raise DXIncompleteReadsError("the local file ended at byte %d" % offset)
        yield block
        offset, size = offset + len(block), size - len(block)


class _SplitPart(object):
    """A part fetched as several ranges: its check runs over the local file, in order, as
    bytes land. Whoever lands bytes calls ``advance``; one caller at a time hashes what has
    landed after the checked prefix (the range at the head is read back block by block just
    after it is written, from the page cache), the others go straight back to fetching."""

    def __init__(self, download, span, ranges, reached):
        self.download, self.span = download, span
        self.hasher = span.check.new() if span.check is not None else None
        self.checked = span.start
        self._starts = [start for start, _ in ranges]
        self._stops = [stop for _, stop in ranges]
        self._reached = reached  # range start -> end of what landed (shared with the fetchers)
        self._busy = self._again = False
        self._lock = threading.Lock()

    def advance(self):
        with self._lock:
            if self._busy:
                self._again = True  # the hasher at work looks again before it stops
                return
            self._busy = True
        while True:
            landed = self._landed_until()
            if landed > self.checked:
                if self.hasher is not None:
                    download = self.download
                    for block in _blocks_at(download.fh, download.base + self.checked, landed - self.checked,
                                            download.write_lock):
                        self.hasher.update(block)
                self.checked = landed
                if landed == self.span.end:
                    self.download.part_done(self.span, self.hasher)
            with self._lock:
                if not self._again:
                    self._busy = False
                    return
                self._again = False

    def _landed_until(self):
        """Where the bytes that landed without a gap from the checked prefix end."""
        position = self.checked
        index = bisect.bisect_right(self._starts, position) - 1
        while index < len(self._starts):
            end = self._reached[self._starts[index]]
            if end < position:
                break
            position = end
            if end < self._stops[index]:
                break
            index += 1
        return position


class Download(object):
    """One download_dxfile call: the plan (spans of parts), the local file, the checks."""

    def __init__(self, handler, desc, filename, chunksize, project, progress, connections, kwargs):
        self.handler, self.filename, self.chunksize = handler, filename, chunksize
        self.progress, self.connections, self.kwargs = progress, connections, kwargs
        # Resolved here, before any worker starts: a worker makes no lookups of its own.
        self.project = handler._url_project(project)
        self.file_id = handler.get_id()
        parts = desc.get("parts")
        if parts is None:  # a symlinked file: one range, checked by its whole-file md5 only
            parts = {"1": {"size": int(desc.get("size") or 0)}}
        self.spans, offset = [], 0
        for i, part_id in enumerate(sorted(parts, key=int)):
            size = int(parts[part_id]["size"])
            check = PartCheck.for_part(self.file_id, part_id, parts[part_id], desc)
            self.spans.append(Span(i, part_id, offset, offset + size, check))
            offset += size
        self.starts = [span.start for span in self.spans]
        self.size = offset
        self.whole_md5 = desc.get("md5")
        if self.whole_md5 and len(self.spans) == 1 and self.spans[0].check is not None \
                and self.spans[0].check.expected == self.whole_md5:
            self.whole_md5 = None  # the part's check is the same check
        if self.whole_md5 is None and not all(span.check and span.check.kind == "md5" for span in self.spans):
            # dxpy's warning for parts without an md5, said even when their checksum is checked
            import warnings
            warnings.warn("Download of file %s is not being checked for integrity" % self.file_id)
        self.write_lock = threading.Lock()
        self._mismatch_lock = threading.Lock()

    # -- the call --------------------------------------------------------------------------

    def run(self, append):
        with self._open(append) as fh:
            self.fh = fh
            first = self._keep_verified_prefix() if self.resumable else 0
            fh.flush()
            todo, states = [span.index for span in self.spans[first:]], {}
            while todo:
                todo = self._parts_to_retry(self._transfer(todo), states)
            if self.whole_md5 is not None:
                whole = md5_hasher()
                for block in _blocks_at(fh, self.base, self.size):
                    whole.update(block)
                if whole.hexdigest() != self.whole_md5:
                    raise DXChecksumMismatchError("md5sum mismatch in %s (expected %s, got %s)"
                                                  % (self.file_id, self.whole_md5, whole.hexdigest()))

    def _parts_to_retry(self, mismatches, states):
        """The indexes of the damaged parts to download again, after the back-off of
        dxpy.retry (PART_ATTEMPTS in all per part); raises a part's error once it is spent."""
        policy = retry.RetryPolicy(max_retries=PART_ATTEMPTS - 1)
        todo, delay = [], 0
        for index, error in sorted(mismatches, key=lambda item: item[0]):
            states[index] = states.get(index) or policy.start(True)
            states[index] = states[index].increment(retry.ANSWER_LOST)
            if states[index].delay is None:
                raise error
            logger.warning("%s; downloading part %s again", error, self.spans[index].part_id)
            todo.append(index)
            delay = max(delay, states[index].delay)
        if todo:
            dxpy.http._sleep(delay)
        return todo

    def _open(self, append):
        """The local file, opened for writes at any offset (never O_APPEND, which would
        put every pwrite at the end); sets *base* (where the download starts in it) and
        *resumable* (whether the parts it holds may be kept)."""
        self.base, self.resumable = 0, False
        if append:
            with open(self.filename, "ab") as fh:
                self.base = fh.tell()
            return open(self.filename, "rb+")
        try:
            fh = open(self.filename, "rb+")
            self.resumable = True
            return fh
        except (IOError, OSError):
            return open(self.filename, "wb+")

    def _keep_verified_prefix(self):
        """Keep the parts of an existing local file that pass their check, cut the rest;
        return the index of the first part still to download."""
        fh, kept, first = self.fh, 0, 0
        local_size = os.fstat(fh.fileno()).st_size
        for span in self.spans:
            if span.check is None or span.end > local_size:
                break
            hasher = span.check.new()
            for block in _blocks_at(fh, span.start, span.end - span.start):
                hasher.update(block)
            if span.check.error(hasher) is not None:
                break
            kept, first = span.end, span.index + 1
            if self.progress is not None:
                self.progress.show("Verified", done=kept)
        fh.truncate(kept)
        if self.progress is not None and first:
            self.progress.show("Resuming at", done=kept)
        logger.debug("%s: %d of %d parts already downloaded", self.file_id, first, len(self.spans))
        return first

    # -- one round: the parts *indexes* --------------------------------------------------

    def _plan(self, indexes):
        """Byte ranges covering the parts *indexes*: neighbouring small parts grouped, a
        large part cut in equal ranges; about two ranges per connection, from MIN_RANGE to
        MAX_RANGE (a *chunksize* below MIN_RANGE is the range size asked for). Returns
        (ranges, {index of a part cut in several ranges: its ranges})."""
        if self.chunksize < MIN_RANGE:
            target = self.chunksize
        else:
            total = sum(self.spans[i].end - self.spans[i].start for i in indexes)
            target = max(MIN_RANGE, min(MAX_RANGE, -(-total // (2 * self.connections))))
        ranges, split, group = [], {}, None
        for index in indexes:
            span = self.spans[index]
            size = span.end - span.start
            if size > target:
                if group:
                    ranges.append(tuple(group))
                group = None
                pieces = -(-size // target)
                step = -(-size // pieces)
                pieces = [(start, min(start + step, span.end)) for start in range(span.start, span.end, step)]
                ranges.extend(pieces)
                split[index] = pieces
            elif group is not None and group[1] == span.start and span.end - group[0] <= target:
                group[1] = span.end
            else:
                if group:
                    ranges.append(tuple(group))
                group = [span.start, span.end]
        if group:
            ranges.append(tuple(group))
        return [r for r in ranges if r[1] > r[0]], split

    def part_done(self, span, hasher):
        """*span* has all its bytes: check them (a mismatch is fetched again)."""
        if span.check is None:
            return
        error = span.check.error(hasher)
        if error is not None:
            with self._mismatch_lock:
                self._mismatches.append((span.index, error))
            if self.progress is not None:
                self.progress.add(span.start - span.end)  # counted again when it is fetched again

    def _transfer(self, indexes):
        """Download the parts *indexes*; returns [(index, DXChecksumMismatchError)] for the
        parts that came out wrong. On failure, cuts the file after what arrived intact."""
        self._mismatches = []
        for index in indexes:  # empty parts have nothing to fetch: checked here
            span = self.spans[index]
            if span.start == span.end:
                self.part_done(span, span.check.new() if span.check is not None else None)
        ranges, split_ranges = self._plan(indexes)
        transfer = _transfer.Transfer(self.connections)
        reached = {start: start for start, _ in ranges}  # range start -> end of what landed
        split = {index: _SplitPart(self, self.spans[index], pieces, reached) for index, pieces in split_ranges.items()}
        queue, started = collections.deque(ranges), {}  # future -> its range's start
        pending = set()
        # Connections in use: a few at first, doubled while each one moves little (a link
        # that paces connections), up to the number set. Where each connection is fast
        # (loopback, a fast link) more would only compete for the CPU.
        busy, began = min(self.connections, FIRST_CONNECTIONS), None  # when the first bytes landed
        try:
            while queue or pending:
                while queue and len(pending) < busy:
                    start, stop = queue.popleft()
                    future = transfer.submit(self._fetch, transfer, start, stop, reached, split)
                    started[future] = start
                    pending.add(future)
                done, pending = concurrent.futures.wait(pending, timeout=RAMP_SECONDS,
                                                        return_when=concurrent.futures.FIRST_COMPLETED)
                for future in done:
                    future.result()
                if busy < self.connections:
                    landed = sum(reached[start] - start for start in reached)
                    if began is None and landed:
                        began, landed_before = time.monotonic(), landed
                    elif began is not None and time.monotonic() - began >= RAMP_SECONDS:
                        if (landed - landed_before) / (time.monotonic() - began) / busy < FAST_CONNECTION:
                            busy = min(self.connections, 2 * busy)
                        began, landed_before = time.monotonic(), landed
        except BaseException as error:
            transfer.abort()  # joins the workers: nothing is written after the cut
            with self.write_lock:
                self.fh.truncate(self.base + self._intact_until(ranges, reached))
            raise self._first_failure(started) or error
        return self._mismatches

    @staticmethod
    def _first_failure(started):
        """The failure of the earliest range that failed on its own (not by the abort), so that
        the error raised does not depend on which worker noticed first."""
        failures = [(start, future.exception()) for future, start in started.items()
                    if future.done() and not future.cancelled() and future.exception() is not None
                    and not isinstance(future.exception(), _transfer.TransferAborted)]
        return min(failures, key=lambda item: item[0])[1] if failures else None

    def _intact_until(self, ranges, reached):
        """Where the bytes known to have landed end (parts outside this round's were kept
        intact before it; a part found damaged counts as a gap)."""
        until = self.size
        for start, stop in sorted(ranges):
            if reached[start] < stop:
                until = reached[start]
                break
        for index, _ in self._mismatches:
            until = min(until, self.spans[index].start)
        return until

    def _fetch(self, transfer, start, stop, reached, split):
        """One range: streamed into the local file and its parts' checks."""
        first = bisect.bisect_right(self.starts, start) - 1
        inline = {}  # index -> running hasher of the parts this range holds whole
        for span in self.spans[max(first, 0):]:
            if span.start >= stop:
                break
            if span.index not in split and span.check is not None and span.end > span.start:
                inline[span.index] = span.check.new()
        position, attempts = [start], [0]
        # The part this range is one of several ranges of, if any: checked as bytes land.
        head = next((part for part in split.values() if part.span.start <= start < part.span.end), None)

        def url_and_headers():
            transfer.check()
            attempts[0] += 1
            url, headers = self.handler._download_url(None, False, None, self.project, attempts[0] > 1, transfer,
                                                      **self.kwargs)
            headers["Range"] = "bytes=%d-%d" % (position[0], stop - 1)
            return url, headers

        def sink(response):
            # A server may ignore the Range header and send the whole file (200).
            offset = [position[0] if response.status_code == 206 else 0]

            def take(block):
                transfer.check()
                at = offset[0]
                offset[0] += len(block)
                lo, hi = max(at, position[0]), min(at + len(block), stop)
                if lo < hi:
                    self._land(transfer, memoryview(block)[lo - at:hi - at], lo, inline)
                    position[0] = reached[start] = hi
                    if head is not None:
                        head.advance()
            return take

        short_reads = retry.RetryPolicy(max_retries=RANGE_ATTEMPTS - 1).start(True)
        while True:
            before = position[0]
            dxpy.DXHTTPRequest(url_and_headers, None, method="GET", auth=None, jsonify_data=False,
                               prepend_srv=False, always_retry=True, timeout=RANGE_TIMEOUT,
                               decode_response_body=False, want_full_response=True, body_sink=sink)
            if position[0] >= stop:
                break
            if position[0] == before:
                short_reads = short_reads.increment(retry.ANSWER_LOST)  # an answer with none of the range
                if short_reads.delay is None:
                    raise DXIncompleteReadsError("Asked %s for bytes %d-%d, got none of bytes %d on %d times"
                                                 % (self.file_id, start, stop - 1, position[0],
                                                    short_reads.failures))
                dxpy.http._sleep(short_reads.delay)
        for index, hasher in inline.items():
            self.part_done(self.spans[index], hasher)

    def _land(self, transfer, view, offset, inline):
        """Bytes at *offset* of the file: written, fed to the checks of their parts."""
        with self.write_lock:
            transfer.check()  # once given up on, the file is cut back: nothing may land after it
            _write_at(self.fh, view, self.base + offset)
        if inline:
            index = bisect.bisect_right(self.starts, offset) - 1
            end = offset + len(view)
            while index < len(self.spans) and self.spans[index].start < end:
                span = self.spans[index]
                hasher = inline.get(index)
                if hasher is not None:
                    lo, hi = max(offset, span.start), min(end, span.end)
                    hasher.update(view[lo - offset:hi - offset])
                index += 1
        if self.progress is not None:
            self.progress.add(len(view))
