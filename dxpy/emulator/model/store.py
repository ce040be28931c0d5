"""Platform state: JSON-compatible tables in memory, changed only in transactions, and made
durable under a data directory.

A data directory holds::

    state.json     a snapshot: {"format": 2, "seq": N, "state": {...}} (older files: the state alone)
    journal.log    one JSON line per transaction that changed something since the snapshot:
                   {"seq": n, "changes": [[op, table, key, value], ...]}
    parts/<file-id>/<index>-<md5>   the bytes of uploaded parts

What a transaction changed is found by comparison, not declared: each table notes the entries
it handed out (or that it was scanned), and at commit those are compared with the copy kept of
what the journal last recorded. Unreached entries cost nothing, so a change costs its own size,
not the state's.

Durability: a transaction's record is appended to the journal and fsynced before the call that
made it is answered (callers waiting together share one write and one fsync); nothing waits on
the disk while holding the state lock, so reads never do. Part bytes are fsynced before the
record naming them. Once the journal outgrows the snapshot, a new snapshot is written (temporary
file, fsync, rename, fsync of the directory) and the journal emptied. On start, temporary files
left by a crash are removed, the snapshot is read and the journal replayed; a torn last record
(a crash in the middle of an append) is dropped, and other damage is a ``CorruptStateError``
naming the file.
"""
import contextlib
import json
import os
import tempfile
import threading

from ..errors import CorruptStateError

STATE_FILE = "state.json"
JOURNAL_FILE = "journal.log"
PARTS_DIR = "parts"
FORMAT = 2
_TEMP_PREFIX = ".tmp-"
# The journal is compacted into a new snapshot once it is larger than the snapshot and this.
COMPACT_MIN_BYTES = 8 * 1024 * 1024


def empty_state():
    return {"users": {}, "tokens": {}, "containers": {}, "objects": {}, "nonces": {}, "jobs": {}}


class Table(dict):
    """One table of the state (objects, containers, ...): notes the keys a transaction reached
    and whether it went through all of them."""

    __slots__ = ("reached", "scanned")

    def __init__(self, *args, **kwargs):
        dict.__init__(self, *args, **kwargs)
        self.reached = set()
        self.scanned = False

    def __getitem__(self, key):
        self.reached.add(key)
        return dict.__getitem__(self, key)

    def get(self, key, default=None):
        self.reached.add(key)
        return dict.get(self, key, default)

    def setdefault(self, key, default=None):
        self.reached.add(key)
        return dict.setdefault(self, key, default)

    def __setitem__(self, key, value):
        self.reached.add(key)
        dict.__setitem__(self, key, value)

    def __delitem__(self, key):
        self.reached.add(key)
        dict.__delitem__(self, key)

    def pop(self, key, *default):
        self.reached.add(key)
        return dict.pop(self, key, *default)

    def _scan(self):
        self.scanned = True

    # Keys alone hand out no row: a row is reached when it is looked up. (Defining __iter__
    # also keeps dict(table) and {**table} from copying rows past __getitem__.)
    def __iter__(self):
        return dict.__iter__(self)

    def keys(self):
        return dict.keys(self)

    def values(self):
        self._scan()
        return dict.values(self)

    def items(self):
        self._scan()
        return dict.items(self)

    def popitem(self):
        self._scan()
        return dict.popitem(self)

    def clear(self):
        self._scan()
        dict.clear(self)

    def update(self, *args, **kwargs):
        self._scan()
        dict.update(self, *args, **kwargs)

    def copy(self):
        self._scan()
        return dict(dict.items(self))

    def __reduce__(self):  # copies and pickles are plain dicts
        self._scan()
        return dict, (dict(dict.items(self)),)

    def forget(self):
        self.reached.clear()
        self.scanned = False


class State(dict):
    """The top level of the state: every dict put in it becomes a :class:`Table`."""

    def __setitem__(self, key, value):
        dict.__setitem__(self, key, _as_table(value))

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return dict.__getitem__(self, key)

    def update(self, *args, **kwargs):
        for key, value in dict(*args, **kwargs).items():
            self[key] = value


def _as_table(value):
    return Table(value) if isinstance(value, dict) and not isinstance(value, Table) else value


def _copy(value):
    """An independent copy of a JSON value, as the journal records it."""
    return json.loads(json.dumps(value))


class Parts(object):
    """The bytes of uploaded parts, kept apart from the state (in memory, or one file each).
    A part is named by its file, index and MD5, so an upload replacing it never overwrites
    the bytes the state still points at (parts without an MD5, as symlinked files have, by
    file and index alone)."""

    def __init__(self, store, directory=None):
        self._store = store
        self._directory = directory
        self._memory = {}  # (file_id, index, md5) -> bytes, without a data directory

    def _path(self, file_id, index, md5):
        name = "%d-%s" % (index, md5) if md5 is not None else str(index)
        return os.path.join(self._directory, file_id, name)

    def write(self, file_id, index, md5, data):
        """Keep *data* (durably, with a data directory) before the state names it."""
        if self._directory is None:
            self._memory[(file_id, index, md5)] = bytes(data)
            return
        path = self._path(file_id, index, md5)
        _write_durably(path, data, self._store.fsync)

    def read(self, file_id, index, md5):
        if self._directory is None:
            return self._memory[(file_id, index, md5)]
        path = self._path(file_id, index, md5)
        if md5 is not None and not os.path.exists(path):  # a data directory of the first format
            path = os.path.join(self._directory, file_id, str(index))
        with open(path, "rb") as handle:
            return handle.read()

    def discard(self, file_id, index, md5):
        """Free one part's bytes once the transaction that replaced them is durable."""
        self._store.after_commit(lambda: self._remove(file_id, index, md5))

    def drop(self, file_id):
        """Free every part of *file_id* once the transaction that removed it is durable."""
        self._store.after_commit(lambda: self._remove(file_id))

    def _remove(self, file_id, index=None, md5=None):
        if self._directory is None:
            for key in [key for key in self._memory if key[0] == file_id and index in (None, key[1])
                        and md5 in (None, key[2])]:
                del self._memory[key]
            return
        folder = os.path.join(self._directory, file_id)
        names = [os.path.basename(self._path(file_id, index, md5))] if index is not None else _listdir(folder)
        for name in names:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(os.path.join(folder, name))
        if index is None:
            with contextlib.suppress(OSError):
                os.rmdir(folder)


class Store(object):
    """The state, its lock and its persistence. Only :meth:`transaction` hands the state out."""

    def __init__(self, data_dir=None, fsync=True):
        self.data_dir = data_dir
        self.fsync = fsync
        self._lock = threading.RLock()
        self._depth = 0
        self._after_commit = []
        self._seq = 0
        self._saved = None  # table -> {key: copy as last journaled}, with a data directory
        self._journal = None
        self.state = State(empty_state())
        self.parts = Parts(self, os.path.join(data_dir, PARTS_DIR) if data_dir is not None else None)
        if data_dir is not None:
            try:
                os.makedirs(os.path.join(data_dir, PARTS_DIR), exist_ok=True)
            except OSError as error:
                raise CorruptStateError("%s cannot be used as a data directory: %s" % (data_dir, error))
            _remove_temporary_files(data_dir)
            self._load()
            self._journal = Journal(self, os.path.join(data_dir, JOURNAL_FILE), fsync)

    # Transactions

    @contextlib.contextmanager
    def transaction(self):
        """Hold the state lock and yield the state; on the way out (also after an error, as
        the changes made stand) what changed is recorded, and is durable before this returns.
        Nested transactions belong to the outermost one."""
        with self._lock:
            self._depth += 1
            outer, seq, after = self._depth == 1, None, []
            try:
                yield self.state
            finally:
                self._depth -= 1
                if outer:
                    after, self._after_commit = self._after_commit, []
                    seq = self._commit()
        if seq is not None:
            self._journal.wait(seq)
        for action in after:
            action()

    def after_commit(self, action):
        """Run *action* once the current transaction is durable."""
        self._after_commit.append(action)

    def _commit(self):
        """Record what the transaction changed; the journal sequence number to wait for, or None."""
        tables = [value for value in dict.values(self.state) if isinstance(value, Table)]
        if self._saved is None:
            for table in tables:
                table.forget()
            return None
        changes = []  # (op, name, key, JSON text of the value, its copy)
        for name, value in list(dict.items(self.state)):
            saved = self._saved.get(name)
            if isinstance(value, Table) and isinstance(saved, dict) and saved.get(_TABLE) is value:
                changes.extend(self._table_changes(name, value, saved[_ROWS]))
            elif isinstance(value, Table):  # a new table, or one put in place of another
                changes.extend(_changed("put", name, None, value, _MISSING))
            elif saved is None or saved.get(_VALUE, _MISSING) != value:
                changes.extend(_changed("put", name, None, value, (saved or {}).get(_VALUE, _MISSING)))
        changes.extend(("drop", name, None, "null", None) for name in set(self._saved) - set(dict.keys(self.state)))
        for table in tables:
            table.forget()  # writing a whole table went through all its rows
        if not changes:
            return None
        self._seq += 1
        line = '{"seq":%d,"changes":[%s]}\n' % (self._seq, ",".join(
            "[%s,%s,%s,%s]" % (json.dumps(op), json.dumps(name), json.dumps(key), text)
            for op, name, key, text, _ in changes))
        for op, name, key, _, value in changes:
            self._remember(op, name, key, value)
        self._journal.append(self._seq, line)
        return self._seq

    def _table_changes(self, name, table, rows):
        keys = set(dict.keys(table)) | set(rows) if table.scanned else table.reached
        changes = []
        for key in keys:
            if dict.__contains__(table, key):
                value = dict.__getitem__(table, key)
                if key not in rows or rows[key] != value:
                    changes.extend(_changed("set", name, key, value, rows.get(key, _MISSING)))
            elif key in rows:
                changes.append(("del", name, key, "null", None))
        return changes

    def _remember(self, op, name, key, value):
        """Keep *value* (a fresh copy) as the journaled form of *name* (or of its row *key*)."""
        if op == "put":
            live = dict.__getitem__(self.state, name)
            self._saved[name] = {_TABLE: live, _ROWS: value} if isinstance(live, Table) else {_VALUE: value}
        elif op == "drop":
            self._saved.pop(name, None)
        elif op == "set":
            self._saved[name][_ROWS][key] = value
        else:
            self._saved[name][_ROWS].pop(key, None)

    # Loading

    def _load(self):
        path = os.path.join(self.data_dir, STATE_FILE)
        state = empty_state()
        if os.path.exists(path):
            snapshot = _read_json_file(path)
            if isinstance(snapshot, dict) and snapshot.get("format") == FORMAT:
                self._seq, snapshot = snapshot.get("seq", 0), snapshot.get("state")
            if not isinstance(snapshot, dict):
                raise CorruptStateError("%s does not hold an emulator state (a JSON object)" % path)
            state.update(snapshot)
        journal = os.path.join(self.data_dir, JOURNAL_FILE)
        for record in _journal_records(journal):
            if record["seq"] > self._seq:
                _apply(state, record["changes"])
                self._seq = record["seq"]
        self.state = State()
        self.state.update(state)
        self._saved = {}
        for name, value in _copy(state).items():
            self._remember("put", name, None, value)

    def snapshot_text(self):
        """(seq, JSON text) of the whole state, taken under the lock."""
        with self._lock:
            text = json.dumps({"format": FORMAT, "seq": self._seq, "state": self.state}, separators=(",", ":"))
            for value in dict.values(self.state):
                if isinstance(value, Table):
                    value.forget()  # serialising went through every row; nothing changed
            return self._seq, text

    def close(self):
        if self._journal is not None:
            self._journal.close()


_TABLE, _ROWS, _VALUE = "table", "rows", "value"
_MISSING = object()


def _changed(op, name, key, value, saved):
    """The change of *name* (or its row *key*) to *value*, as a list of none or one: none when
    its JSON form is what was saved (a tuple where the journal has a list, say)."""
    text = json.dumps(value, separators=(",", ":"))
    copy = json.loads(text)  # the journal's form, kept to compare with later
    return [] if copy == saved else [(op, name, key, text, copy)]


def _apply(state, changes):
    for op, name, key, value in changes:
        if op == "put":
            state[name] = value
        elif op == "drop":
            state.pop(name, None)
        elif op == "set":
            state.setdefault(name, {})[key] = value
        elif op == "del":
            state.get(name, {}).pop(key, None)
        else:
            raise ValueError("unknown change %r" % op)


class Journal(object):
    """The append-only journal: records queue in memory (in order, under the state lock) and
    whoever waits first writes and fsyncs everything queued, for all waiters at once."""

    def __init__(self, store, path, fsync):
        self._store = store
        self.path = path
        self._fsync = fsync
        self._handle = open(path, "ab", buffering=0)
        self._size = self._handle.seek(0, os.SEEK_END)
        self._snapshot_size = _size_of(os.path.join(os.path.dirname(path), STATE_FILE))
        self._queued = []  # (seq, line)
        self._queue_guard = threading.Lock()
        self._done = threading.Condition()
        self._durable = 0
        self._writing = False
        self._failure = None

    def append(self, seq, line):
        with self._queue_guard:
            self._queued.append((seq, line.encode("utf-8")))

    def wait(self, seq):
        """Return once record *seq* is on disk; the first waiter writes for everyone queued."""
        with self._done:
            while self._durable < seq and self._failure is None and self._writing:
                self._done.wait()
            if self._failure is not None:
                raise self._failure
            if self._durable >= seq:
                return
            self._writing = True
        try:
            self._write_queued()
            if self._size > max(COMPACT_MIN_BYTES, self._snapshot_size):
                self._compact()
        except OSError as error:
            failure = OSError("the emulator could not write %s: %s" % (self.path, error))
            with self._done:
                self._failure = failure  # memory and disk now differ: no later change may be acknowledged
            raise failure from error
        finally:
            with self._done:
                self._writing = False
                self._done.notify_all()

    def _write_queued(self):
        with self._queue_guard:
            queued, self._queued = self._queued, []
        if not queued:
            return
        data = memoryview(b"".join(line for _, line in queued))
        try:
            written = 0
            while written < len(data):
                written += self._handle.write(data[written:])
            if self._fsync:
                os.fsync(self._handle.fileno())
        except OSError:
            with contextlib.suppress(OSError):  # no half record for later ones to follow
                os.ftruncate(self._handle.fileno(), self._size)
            raise
        self._size += len(data)
        with self._done:
            self._durable = queued[-1][0]

    def _compact(self):
        """Write the whole state as the new snapshot and empty the journal (the writer only)."""
        seq, text = self._store.snapshot_text()
        directory = os.path.dirname(self.path)
        data = text.encode("utf-8")
        _write_durably(os.path.join(directory, STATE_FILE), data, self._fsync)
        with self._queue_guard:  # records up to *seq* are in the snapshot
            self._queued = [(n, line) for n, line in self._queued if n > seq]
        os.ftruncate(self._handle.fileno(), 0)
        if self._fsync:
            os.fsync(self._handle.fileno())
        self._size, self._snapshot_size = 0, len(data)
        with self._done:
            self._durable = max(self._durable, seq)

    def close(self):
        with self._done:
            while self._writing:
                self._done.wait()
            self._writing = True
        try:
            self._write_queued()
            self._handle.close()
        finally:
            with self._done:
                self._writing = False
                self._done.notify_all()


# Files

def _write_durably(path, data, fsync):
    """Replace *path* by *data* all at once: a crash leaves the old file or the new one."""
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=_TEMP_PREFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if fsync:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    if fsync:
        _fsync_directory(directory)


def _fsync_directory(directory):
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _listdir(directory):
    try:
        return os.listdir(directory)
    except FileNotFoundError:
        return []


def _size_of(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _remove_temporary_files(data_dir):
    """Temporary files are only ever renamed into place: any left over is from a crash."""
    for folder, _, names in os.walk(data_dir):
        for name in names:
            if name.startswith((_TEMP_PREFIX, ".state-", ".part-")):
                os.unlink(os.path.join(folder, name))


def _read_json_file(path):
    try:
        with open(path, "rb") as handle:
            return json.loads(handle.read().decode("utf-8"))
    except (ValueError, OSError) as error:
        raise CorruptStateError("%s cannot be read as emulator state: %s" % (path, error))


def _journal_records(path):
    """The journal's records in order. A last line cut short by a crash is dropped (and cut
    off the file, so that new records follow whole ones); damage elsewhere is an error."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return []
    except OSError as error:
        raise CorruptStateError("%s cannot be read: %s" % (path, error))
    records, offset, number = [], 0, 0
    while offset < len(data):
        end = data.find(b"\n", offset)
        number += 1
        line = data[offset:end if end >= 0 else len(data)]
        try:
            record = json.loads(line.decode("utf-8"))
            if not (isinstance(record, dict) and isinstance(record.get("seq"), int)
                    and isinstance(record.get("changes"), list)):
                raise ValueError("not a journal record")
        except ValueError as error:
            if end < 0 or data.find(b"\n", end + 1) < 0 and not data[end + 1:].strip():
                with open(path, "r+b") as handle:  # the torn last record
                    handle.truncate(offset)
                break
            raise CorruptStateError("%s is damaged at line %d: %s" % (path, number, error))
        records.append(record)
        offset = end + 1 if end >= 0 else len(data)
    return records
