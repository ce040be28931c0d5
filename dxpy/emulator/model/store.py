"""Platform state: one JSON-compatible dict, optionally saved under a data directory.

The state file is rewritten whole (temp file + os.replace) so a crash never leaves a
half-written file; uploaded part bytes live beside it, one file per part."""
import json
import os
import shutil
import tempfile

STATE_FILE = "state.json"
PARTS_DIR = "parts"


def empty_state():
    return {"users": {}, "tokens": {}, "containers": {}, "objects": {}, "nonces": {}, "jobs": {}}


class Store(object):
    def __init__(self, data_dir=None):
        self.data_dir = data_dir
        self.state = empty_state()
        self._parts = {}  # (file_id, index) -> bytes, used without a data directory
        if data_dir is not None:
            os.makedirs(os.path.join(data_dir, PARTS_DIR), exist_ok=True)
            self._load()

    def _load(self):
        path = os.path.join(self.data_dir, STATE_FILE)
        if os.path.exists(path):
            with open(path) as handle:
                self.state.update(json.load(handle))

    def save(self):
        if self.data_dir is None:
            return
        fd, tmp = tempfile.mkstemp(dir=self.data_dir, prefix=".state-")
        try:
            with os.fdopen(fd, "w") as handle:
                json.dump(self.state, handle)
            os.replace(tmp, os.path.join(self.data_dir, STATE_FILE))
        except BaseException:
            os.unlink(tmp)
            raise

    def _part_path(self, file_id, index):
        return os.path.join(self.data_dir, PARTS_DIR, file_id, str(index))

    def write_part(self, file_id, index, data):
        if self.data_dir is None:
            self._parts[(file_id, index)] = bytes(data)
            return
        path = self._part_path(file_id, index)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".part-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)

    def read_part(self, file_id, index):
        if self.data_dir is None:
            return self._parts[(file_id, index)]
        with open(self._part_path(file_id, index), "rb") as handle:
            return handle.read()

    def drop_parts(self, file_id):
        if self.data_dir is None:
            for key in [key for key in self._parts if key[0] == file_id]:
                del self._parts[key]
        else:
            shutil.rmtree(os.path.join(self.data_dir, PARTS_DIR, file_id), ignore_errors=True)
