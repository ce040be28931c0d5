"""The platform: dispatch of calls through the route table, nonces, and the one owner of the state.

Every change goes through :meth:`Platform.transaction` (API calls, part uploads, the job
runner, test set-ups alike); the store behind it records what changed and makes it durable.
"""
import copy
import dataclasses
import secrets

from ..errors import InvalidInput
from . import files
from .access import Request, not_found, require_job_access
from .auth import set_password
from .containers import new_container
from .files import settle_all
from .ids import id_class
from .routes import RouteTable, load_table
from .signed_urls import new_key
from .store import Store
from .tokens import caller_of
from .users import handle_class, new_user
from .validate import as_object, get

ROUTES = RouteTable(load_table())
# The project the emulator's own user gets on first start (kept across restarts).
PROJECT_NAME = "emulator project"


@dataclasses.dataclass
class Options(object):
    """The platform's settings, in one place; tests change them on ``platform.options``."""

    # Overrides of the region's fileUploadParameters (see files.check_upload_params).
    upload_params: dict = dataclasses.field(default_factory=dict)
    # Closed files get a whole-file "md5", as the platform's symlinked files have.
    whole_file_md5: bool = False
    # Seconds a closed file stays "closing".
    close_delay: float = files.CLOSE_DELAY
    # With a data directory: each change is fsynced before the call that made it is answered.
    fsync: bool = True


class Platform(object):
    """The platform model. *data_dir* keeps the state across restarts (see :mod:`.store`);
    a damaged one raises ``CorruptStateError`` naming the file."""

    def __init__(self, data_dir=None, options=None):
        self.options = options if options is not None else Options()
        self._store = Store(data_dir, fsync=self.options.fsync)
        self.parts = self._store.parts  # uploaded bytes, kept beside the state
        self.job_runner = None  # the JobRunner executing this platform's jobs, while one does
        self.url_key = new_key()  # signs upload and download URLs
        with self.transaction() as state:
            files.index_closing(state)

    def transaction(self):
        """``with platform.transaction() as state:`` the one way to read or change the state:
        holds the lock, and on the way out records what changed (durable before it returns)."""
        return self._store.transaction()

    def close(self):
        """Write what is still queued and close the journal."""
        self._store.close()

    # Users

    def add_user(self, username="user-emulator", token=None, first=None, last=None, email=None, password=None):
        """Create the user (``user-<username>``) if new and give it *token* (default: a random
        one); *first*, *last* and *email* name a new user (default: the handle,
        "", ``<handle>@example.com``); with *password* the user can also log in with it
        (``/system/newAuthToken``). Returns (user ID, token)."""
        user_id = username if username.startswith("user-") else "user-" + username
        token = token or secrets.token_hex(16)
        with self.transaction() as state:
            new_user(state, user_id, first, last, email)
            state["tokens"][token] = user_id
            if password is not None:
                set_password(state, user_id, password)
        return user_id, token

    def default_identity(self, token=None):
        """(user ID, token, project ID) of the emulator's own user. They are made once and kept
        in the state, so a restart on the same data directory serves the same ones; *token*
        (if given) becomes the user's token from then on."""
        with self.transaction() as state:
            own = state.setdefault("emulator", {})
            user_id, token = self.add_user(own.get("user", "user-emulator"), token=token or own.get("token"))
            project = own.get("project")
            if project not in state["containers"]:
                project = self.call(user_id, "/project/new", {"name": PROJECT_NAME})["id"]
            own.update({"user": user_id, "token": token, "project": project})
        return user_id, token, project

    def authenticate(self, token):
        """The user a token acts for; a job's token gives a ``tokens.Caller`` naming the job too."""
        with self.transaction() as state:
            user = state["tokens"].get(token)
            return user if user is not None else caller_of(state, token)

    def new_container(self, user_id):
        """Create a ``container-xxxx`` owned by *user_id* (jobs' temporary workspaces)."""
        with self.transaction() as state:
            return new_container(state, user_id)

    # API calls

    def call(self, user_id, route, payload, base_url="", headers=None, client_ip=None):
        """The answer to *route* called by *user_id* with *payload*; *headers* are the HTTP
        request's (``/system/headers`` echoes them), *client_ip* the caller's address."""
        found = ROUTES.find(route)
        if found is None:
            parsed = ROUTES.parse(route)
            if parsed is not None and parsed[1] is None and parsed[0] not in ROUTES.classes:
                raise not_found(parsed[0])  # /None/describe: where an ID belongs, something that is none
            raise InvalidInput("%s is not implemented by the emulator" % route)
        facts, klass, resource_id, method = found
        if not facts.raw_input:
            payload = as_object(payload)
        if resource_id is not None and id_class(resource_id) is None and handle_class(resource_id) is None \
                and klass not in ROUTES.named_classes:
            raise not_found(resource_id)
        with self.transaction() as state:
            settle_all(state)
            require_job_access(state, user_id, facts)
            req = Request(self, state, user_id, resource_id, payload, base_url, facts, headers, client_ip)
            nonce_key = self._nonce_key(user_id, route, payload) if facts.nonce else None
            if nonce_key is not None and nonce_key in state["nonces"]:
                return self._replay(state, nonce_key, payload)
            result = facts.handler(req)
            if nonce_key is not None:
                state["nonces"][nonce_key] = {"input": copy.deepcopy(payload), "output": copy.deepcopy(result)}
            return copy.deepcopy(result)

    def _nonce_key(self, user_id, route, payload):
        """Where the first answer to a call with the input's ``nonce`` is kept (None: no nonce)."""
        nonce = get(payload, "nonce", str, None)
        if nonce is None:
            return None
        if not 1 <= len(nonce) <= 128:
            raise InvalidInput('Expected key "nonce" of input to have 1 to 128 characters')
        return "%s /%s %s" % (user_id, route.strip("/"), nonce)

    def _replay(self, state, nonce_key, payload):
        seen = state["nonces"][nonce_key]
        if seen["input"] != payload:
            raise InvalidInput("The nonce was already used with a different input")
        return copy.deepcopy(seen["output"])

    # Bytes of files: the HTTP layer's transfers (URL signatures checked), and the same
    # without a URL for set-ups in tests

    def receive_part(self, file_id, index, data, content_md5=None, query=None):
        """A PUT to an upload URL whose query string is *query*."""
        files.receive_part(self, file_id, index, data, content_md5, query)

    def file_chunks(self, file_id, first=0, last=None, query=None):
        """``(size, views)`` of bytes *first*..*last* of the closed file, for a GET of a download
        URL whose query string is *query* (see files.stored_chunks)."""
        return files.file_chunks(self, file_id, first, last, query)

    def store_part(self, file_id, index, data, content_md5=None):
        """Keep the bytes of part *index* of the open file *file_id*."""
        files.keep_part(self, file_id, index, data, content_md5)

    def read_file(self, file_id):
        """The bytes of the closed file *file_id*."""
        return b"".join(files.stored_chunks(self, file_id)[1])
