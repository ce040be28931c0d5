"""The platform: dispatch of calls through the route table, nonces, locking and persistence."""
import copy
import secrets
import threading

from ..errors import InvalidInput, ResourceNotFound
from .access import Request, not_found, object_copies
from .auth import set_password
from .containers import new_container
from .files import CLOSE_DELAY, read_file, settle_all, store_part
from .ids import id_class
from .routes import RouteTable, load_table
from .signed_urls import new_key
from .store import Store
from .tokens import caller_of
from .users import handle_class, new_user
from .validate import as_object, get

ROUTES = RouteTable(load_table())


class Platform(object):
    def __init__(self, data_dir=None):
        self._lock = threading.RLock()
        self.store = Store(data_dir)
        self.close_delay = CLOSE_DELAY  # seconds a closed file stays "closing"
        self.url_key = new_key()  # signs upload and download URLs

    # Users

    def add_user(self, username="user-emulator", token=None, first=None, last=None, email=None, password=None):
        """Create the user (``user-<username>``) if new and give it *token* (default: a random
        one); *first*, *last* and *email* name a new user (default: the handle,
        "", ``<handle>@example.com``); with *password* the user can also log in with it
        (``/system/newAuthToken``). Returns (user ID, token)."""
        user_id = username if username.startswith("user-") else "user-" + username
        token = token or secrets.token_hex(16)
        with self._lock:
            new_user(self.store.state, user_id, first, last, email)
            self.store.state["tokens"][token] = user_id
            if password is not None:
                set_password(self.store.state, user_id, password)
            self.store.save()
        return user_id, token

    def authenticate(self, token):
        """The user a token acts for; a job's token gives a ``tokens.Caller`` naming the job too."""
        with self._lock:
            user = self.store.state["tokens"].get(token)
            return user if user is not None else caller_of(self.store.state, token)

    def new_container(self, user_id):
        """Create a ``container-xxxx`` owned by *user_id* (jobs' temporary workspaces)."""
        with self._lock:
            cid = new_container(self.store.state, user_id)
            self.store.save()
            return cid

    # API calls

    def call(self, user_id, route, payload, base_url="", headers=None):
        """The answer to *route* called by *user_id* with *payload*; *headers* are the HTTP
        request's (``/system/headers`` echoes them)."""
        found = ROUTES.find(route)
        if found is None:
            raise InvalidInput("%s is not implemented by the emulator" % route)
        facts, klass, resource_id, method = found
        with self._lock:
            if not facts.raw_input:
                payload = as_object(payload)
            if resource_id is not None and id_class(resource_id) is None and handle_class(resource_id) is None \
                    and klass not in ROUTES.named_classes:
                raise not_found(resource_id)
            settle_all(self.store.state)
            req = Request(self, user_id, resource_id, payload, base_url, facts, headers)
            nonce_key = self._nonce_key(user_id, route, payload) if facts.nonce else None
            if nonce_key is not None and nonce_key in self.store.state["nonces"]:
                return self._replay(nonce_key, payload)
            result = facts.handler(req)
            if nonce_key is not None:
                self.store.state["nonces"][nonce_key] = {"input": copy.deepcopy(payload),
                                                         "output": copy.deepcopy(result)}
            if not facts.read_only:
                self.store.save()
            return copy.deepcopy(result)

    def _nonce_key(self, user_id, route, payload):
        """Where the first answer to a call with the input's ``nonce`` is kept (None: no nonce)."""
        nonce = get(payload, "nonce", str, None)
        if nonce is None:
            return None
        if not 1 <= len(nonce) <= 128:
            raise InvalidInput('Expected key "nonce" of input to have 1 to 128 characters')
        return "%s /%s %s" % (user_id, route.strip("/"), nonce)

    def _replay(self, nonce_key, payload):
        seen = self.store.state["nonces"][nonce_key]
        if seen["input"] != payload:
            raise InvalidInput("The nonce was already used with a different input")
        return copy.deepcopy(seen["output"])

    # Bytes of files, for the HTTP layer

    def _file(self, file_id):
        copies = object_copies(self.store.state, file_id)
        obj = copies[0] if copies else None
        if obj is None or obj["class"] != "file":
            raise ResourceNotFound("The file %s could not be found" % file_id)
        return obj

    def store_part(self, file_id, index, data, content_md5=None):
        with self._lock:
            store_part(self.store, self._file(file_id), index, data, content_md5)
            self.store.save()

    def read_file(self, file_id):
        with self._lock:
            return read_file(self.store, self._file(file_id))
