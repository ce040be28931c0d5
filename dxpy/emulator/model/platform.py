"""The platform: route table, dispatch, nonces, locking and persistence."""
import copy
import secrets
import threading

from ..errors import InvalidInput, ResourceNotFound
from .access import Request, not_found, object_copies
from .apps import APP_ROUTES, NAMED_CLASSES
from .auth import AUTH_ROUTES, set_password
from .clone import CLONE_ROUTES
from .executables import EXECUTABLE_ROUTES
from .containers import FOLDER_ROUTES, PROJECT_ROUTES, new_container, object_list_projects
from .files import CLOSE_DELAY, FILE_ROUTES, read_file, settle_all, store_part
from .ids import id_class
from .jobs import JOB_ROUTES
from .objects import COMMON_ROUTES, DATA_CLASSES, record_new
from .orgs import ORG_ROUTES
from .search import SEARCH_ROUTES
from .store import Store
from .tokens import caller_of
from .users import USER_ROUTES, handle_class, new_user
from .validate import as_object, get


def system_whoami(req):
    return {"id": req.user}


def _build_routes():
    routes = {("system", "whoami"): system_whoami, ("record", "new"): record_new}
    routes.update(PROJECT_ROUTES)
    routes.update(SEARCH_ROUTES)
    routes.update(FILE_ROUTES)
    routes.update(EXECUTABLE_ROUTES)
    routes.update(APP_ROUTES)
    routes.update(JOB_ROUTES)
    routes.update(CLONE_ROUTES)
    for klass in ("project", "container"):
        routes.update(((klass, method), fn) for method, fn in FOLDER_ROUTES.items())
    for klass in DATA_CLASSES:
        routes.update(((klass, method), fn) for method, fn in COMMON_ROUTES.items())
        routes[(klass, "listProjects")] = object_list_projects  # levels from the permission rules
    routes.update(USER_ROUTES)
    routes.update(ORG_ROUTES)
    from .databases import DATABASE_ROUTES
    routes.update(DATABASE_ROUTES)
    from .identity import IDENTITY_ROUTES
    routes.update(IDENTITY_ROUTES)
    routes.update(AUTH_ROUTES)
    return routes


ROUTES = _build_routes()
# Methods called on a class rather than on an entity ID (``/record/new``, ``/system/...``).
CLASS_LEVEL = ("new",)
# Methods whose whole input is user data (any JSON object or array), not named fields.
RAW_INPUT = frozenset(["setDetails"])
READ_ONLY = frozenset(["whoami", "describe", "listFolder", "getDetails", "listProjects", "upload",
                       "download", "findDataObjects", "findProjects", "resolveDataObjects",
                       "describeDataObjects", "findJobs", "findExecutions", "findOrgs", "findMembers",
                       "getUserInfo", "get", "findApps", "findGlobalWorkflows", "findAnalyses",
                       "listCategories", "listDevelopers", "listAuthorizedUsers", "isStageCompatible",
                       "getLog"])


def parse_route(route):
    """``/project-xxxx/describe`` -> ("project", "project-xxxx", "describe");
    ``/record/new`` -> ("record", None, "new"). None when the shape is not an API route."""
    parts = route.strip("/").split("/") if isinstance(route, str) else []
    if len(parts) == 3 and parts[0].split("-", 1)[0] in NAMED_CLASSES and all(parts):
        parts = [parts[0] + "/" + parts[1], parts[2]]  # /app-name/<version or alias>/<method>
    if len(parts) != 2 or not all(parts):
        return None
    resource, method = parts
    if "-" in resource:
        return resource.split("-", 1)[0], resource, method
    return resource, None, method


class Platform(object):
    def __init__(self, data_dir=None):
        self._lock = threading.RLock()
        self.store = Store(data_dir)
        self.close_delay = CLOSE_DELAY  # seconds a closed file stays "closing"

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

    def call(self, user_id, route, payload, base_url=""):
        handler, klass, resource_id, method = self._route(route)
        with self._lock:
            if method not in RAW_INPUT:
                payload = as_object(payload)
            if resource_id is not None and id_class(resource_id) is None and handle_class(resource_id) is None \
                    and klass not in NAMED_CLASSES:
                raise not_found(resource_id)
            settle_all(self.store.state)
            req = Request(self, user_id, resource_id, payload, base_url, method)
            nonce_key = self._nonce_key(user_id, klass, method, payload)
            if nonce_key is not None and nonce_key in self.store.state["nonces"]:
                return self._replay(nonce_key, payload)
            result = handler(req)
            if nonce_key is not None:
                self.store.state["nonces"][nonce_key] = {"input": copy.deepcopy(payload),
                                                         "output": copy.deepcopy(result)}
            if method not in READ_ONLY:
                self.store.save()
            return copy.deepcopy(result)

    def _route(self, route):
        """(handler, class, ID or None, method) for *route*; InvalidInput when there is none."""
        parsed = parse_route(route)
        handler = None
        if parsed is not None:
            klass, resource_id, method = parsed
            class_level = method in CLASS_LEVEL or klass == "system"
            # /record-xxxx/new and /project/describe name no route even though the pair exists
            if (resource_id is None) == class_level:
                handler = ROUTES.get((klass, method))
        if handler is None:
            raise InvalidInput("%s is not implemented by the emulator" % route)
        return (handler,) + parsed

    def _nonce_key(self, user_id, klass, method, payload):
        if method != "new":
            return None
        nonce = get(payload, "nonce", str, None)
        if nonce is None:
            return None
        if not 1 <= len(nonce) <= 128:
            raise InvalidInput('Expected key "nonce" of input to have 1 to 128 characters')
        return "%s /%s/%s %s" % (user_id, klass, method, nonce)

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
