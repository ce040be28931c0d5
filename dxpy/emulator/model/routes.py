"""The emulator's view of the route table ``dxpy/api_routes.json``.

The same table generates ``dxpy/api.py``. An entry the emulator serves has an ``emulator`` object:

    handler    "<model module>.<function>" answering the route
    readOnly   true when the route changes nothing
    level      the least level the caller needs in the container the route names, or in the
               container of the data object it names (default VIEW; access.py)
    intoLevel  the least level in other containers its input names, e.g. the destination of
               ``/record/new`` or of a clone (default VIEW)
    rawInput   true when the whole input is user data (any JSON value), not named fields
    nonce      true when the route honours a ``nonce`` in its input (default: the entry's
               ``nonce``, whether dxpy.api adds one): a repeated nonce replays the first answer
    jobAccess  the flag of an executable's ``access`` spec that a job's token needs to call the
               route ("projectCreation", "developer"; default: none)
    token      false when the route answers without a token (the HTTP layer reads it)
"""
import collections
import importlib
import json
import os

TABLE_PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                          "api_routes.json")

Route = collections.namedtuple("Route", "path handler read_only level into_level raw_input nonce job_access")


class RouteTable(object):
    """The routes the emulator serves, looked up by the path of a call."""

    def __init__(self, entries):
        self.routes = {}
        for entry in entries:
            facts = entry.get("emulator")
            if facts is not None:
                self.routes[entry["route"]] = Route(
                    path=entry["route"], handler=_handler(facts["handler"]), read_only=facts["readOnly"],
                    level=facts.get("level", "VIEW"), into_level=facts.get("intoLevel", "VIEW"),
                    raw_input=facts.get("rawInput", False), nonce=facts.get("nonce", entry["nonce"]),
                    job_access=facts.get("jobAccess"))
        self.classes = frozenset(path[1:].split("/", 1)[0].split("-", 1)[0] for path in self.routes)
        # Classes addressed by name as well as by ID (``/app-name/describe``, ``/app-name/1.0.0/run``)
        self.named_classes = frozenset(entry["route"][1:].split("-", 1)[0] for entry in entries
                                       if entry["kind"] in ("app", "globalworkflow"))

    def parse(self, path):
        """``/project-xxxx/describe`` -> ("project", "project-xxxx", "describe"); ``/record/new`` ->
        ("record", None, "new"); ``/app-name/1.0.0/run`` -> ("app", "app-name/1.0.0", "run").
        None when the shape is not an API route."""
        parts = path.strip("/").split("/") if isinstance(path, str) else []
        if len(parts) == 3 and parts[0].split("-", 1)[0] in self.named_classes and all(parts):
            parts = [parts[0] + "/" + parts[1], parts[2]]
        if len(parts) != 2 or not all(parts):
            return None
        resource, method = parts
        if "-" in resource:
            return resource.split("-", 1)[0], resource, method
        return resource, None, method

    def find(self, path):
        """(Route, class, ID or None, method) for the call *path*; None when no route answers it
        (``/record-xxxx/new`` and ``/project/describe`` name none though both methods exist)."""
        parsed = self.parse(path)
        if parsed is None:
            return None
        klass, resource_id, method = parsed
        route = self.routes.get("/%s%s/%s" % (klass, "" if resource_id is None else "-xxxx", method))
        return None if route is None else (route,) + parsed


def load_table(path=TABLE_PATH):
    with open(path, encoding="utf-8") as fd:
        return json.load(fd)["routes"]


def tokenless_routes(entries=None):
    """The routes answered without a token, e.g. ``/system/newAuthToken``."""
    return frozenset(entry["route"] for entry in (load_table() if entries is None else entries)
                     if (entry.get("emulator") or {}).get("token") is False)


def _handler(name):
    module, function = name.split(".")
    return getattr(importlib.import_module("." + module, __package__), function)
