"""``/system/find*``, ``resolveDataObjects`` and ``describeDataObjects``."""
from ..errors import InvalidInput, PlatformError
from . import paths
from .access import (PROJECT_LEVELS, PUBLIC, at_least, capped, container, data_object, job_ceiling,
                     permission_sources, permissions, visible_containers)
from .containers import DEFAULT_REGION, describe_container
from .describe import describe_option
from .ids import id_class
from .objects import CONTAINER_IDS, describe_object, links_in
from .queries import MAX_LIMIT, all_of_matcher, limit_of, name_matcher, paginate, properties_matcher, time_matcher
from .validate import entity_id, get, one_of, strings

# The archival states of files; other objects are always "live".
ARCHIVAL_STATES = ("live", "archival", "archived", "unarchiving")

def _strings_or_string(payload, field):
    """A string or an array of strings as a set (None when absent)."""
    value = get(payload, field, (str, list), None)
    if value is None:
        return None
    return set([value] if isinstance(value, str) else strings(payload, field))


def _scope(req, payload, level):
    """The containers searched and a folder predicate, from the ``scope`` and ``level`` inputs."""
    scope = get(payload, "scope", dict, None)
    if scope is None:
        return [c["id"] for c in visible_containers(req, level)], lambda folder: True
    project = container(req, entity_id(scope, "project", CONTAINER_IDS), level)["id"]
    folder = paths.normalize(get(scope, "folder", str, "/"), "scope.folder")
    recurse = get(scope, "recurse", bool, True)
    if recurse:
        return [project], lambda path: paths.is_within(path, folder)
    return [project], lambda path: path == folder


def _link_matcher(payload):
    target = get(payload, "link", str, None)
    if target is None:
        return lambda obj: True
    return lambda obj: target in links_in(obj["details"])


def _object_filters(req, payload):
    klass = get(payload, "class", str, None)
    state = get(payload, "state", str, None)
    if state == "any":
        state = None
    visibility = one_of(payload, "visibility", ("hidden", "visible", "either"), "visible")
    ids = strings(payload, "id", None)
    name, tags, types = name_matcher(payload), all_of_matcher(payload, "tags"), all_of_matcher(payload, "type")
    tag = get(payload, "tag", str, None)  # the older single-tag form
    props = properties_matcher(payload)
    created, modified = time_matcher(payload, "created"), time_matcher(payload, "modified")
    level = one_of(payload, "level", PROJECT_LEVELS, "VIEW")
    projects, in_folder = _scope(req, payload, level)
    regions = _strings_or_string(payload, "region")
    archival = one_of(payload, "archivalState", ARCHIVAL_STATES + ("any",), "any")
    linked = _link_matcher(payload)
    hidden_ok = {"hidden": (True,), "visible": (False,), "either": (True, False)}[visibility]
    containers = req.state["containers"]
    return lambda obj: (
        obj["project"] in projects and in_folder(obj["folder"])
        and (klass is None or obj["class"] == klass) and (state is None or obj["state"] == state)
        and obj["hidden"] in hidden_ok and (ids is None or obj["id"] in ids)
        and name(obj["name"]) and tags(obj["tags"]) and types(obj["types"])
        and (tag is None or tag in obj["tags"])
        and props(obj["properties"]) and created(obj["created"]) and modified(obj["modified"])
        and (regions is None or containers[obj["project"]].get("region", DEFAULT_REGION) in regions)
        and (archival == "any" or obj.get("archivalState", "live") == archival)
        and linked(obj))


_SORT_FIELDS = ("created", "modified", "name")


def _object_order(payload):
    """The sort key: by default objects of one project together, latest modified first;
    ``sortBy`` orders by one field instead. Ties go by ID."""
    sort_by = get(payload, "sortBy", dict, None)
    if sort_by is None:
        return lambda obj: (obj["project"], -obj["modified"], obj["id"])
    field = one_of(sort_by, "field", _SORT_FIELDS)
    ordering = one_of(sort_by, "ordering", ("ascending", "descending"), "ascending")
    if ordering == "ascending":
        return lambda obj: (obj[field], obj["id"])
    # descending on the field, ascending on the ID: negate numbers, reverse-sort names
    if field == "name":
        return lambda obj: (_Reversed(obj["name"]), obj["id"])
    return lambda obj: (-obj[field], obj["id"])


class _Reversed(object):
    """Wraps a string so that sorting puts it in descending order."""
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __lt__(self, other):
        return self.value > other.value

    def __eq__(self, other):
        return self.value == other.value


def find_data_objects(req):
    payload = req.payload
    matches = _object_filters(req, payload)
    order = _object_order(payload)
    describe = describe_option(payload)
    starting = get(payload, "starting", (dict, type(None)), None)
    limit = limit_of(payload)
    found = sorted((obj for obj in req.state["objects"].values() if matches(obj)), key=order)
    key = lambda obj: {"project": obj["project"], "id": obj["id"]}  # noqa: E731
    page, following = paginate(found, key, starting, limit)
    results = []
    for obj in page:
        entry = key(obj)
        if describe is not None:
            entry["describe"] = describe_object(obj, describe)
        results.append(entry)
    return {"results": results, "next": following}


def project_filters(req, payload):
    """A predicate on containers for the ``findProjects`` filters in *payload*."""
    name = name_matcher(payload)
    ids = strings(payload, "id", None)
    tags, props = all_of_matcher(payload, "tags"), properties_matcher(payload)
    created, modified = time_matcher(payload, "created"), time_matcher(payload, "modified")
    public = get(payload, "public", bool, None)
    bill_to, regions = _strings_or_string(payload, "billTo"), _strings_or_string(payload, "region")
    flags = [(flag, get(payload, flag, bool, None)) for flag in ("containsPHI", "externalUploadRestricted")]
    return lambda c: (
        c["class"] == "project" and name(c["name"]) and (ids is None or c["id"] in ids)
        and tags(c["tags"]) and props(c["properties"]) and created(c["created"]) and modified(c["modified"])
        and (public is None or (PUBLIC in permissions(c)) == public)
        and (bill_to is None or c.get("billTo", c["owner"]) in bill_to)
        and (regions is None or c.get("region", DEFAULT_REGION) in regions)
        and all(wanted is None or bool(c.get(flag, False)) == wanted for flag, wanted in flags))


def project_results(req, candidates, payload, entry):
    """Sort, page and describe the matching containers; *entry(c)* makes each result."""
    describe = describe_option(payload)
    starting = get(payload, "starting", (str, type(None)), None)
    limit = limit_of(payload)
    found = sorted(candidates, key=lambda c: (-c["created"], c["id"]))
    page, following = paginate(found, lambda c: c["id"], starting, limit)
    results = []
    for c in page:
        result = entry(c)
        if describe is not None:
            result["describe"] = describe_container(req, c, describe)
        results.append(result)
    return {"results": results, "next": following}


def find_projects(req):
    """Projects where the caller has at least ``level``; public ones they are no member of
    only with ``public: true``; with ``explicitPermission: true`` only their own grants count."""
    payload = req.payload
    level = one_of(payload, "level", PROJECT_LEVELS, "VIEW")
    explicit = get(payload, "explicitPermission", bool, False)
    matches = project_filters(req, payload)
    public = get(payload, "public", bool, None) is True
    levels = {}
    for c in req.state["containers"].values():
        if not matches(c):
            continue
        granted, sources = permission_sources(req.state, c, req.user)
        if explicit:
            granted = permissions(c).get(req.user, "NONE")
            sources = [req.user] if granted != "NONE" else []
        if public and not at_least(granted, "VIEW") and PUBLIC in permissions(c):
            granted, sources = "VIEW", [PUBLIC]
        granted = capped(granted, job_ceiling(req.state, req.user, c["id"]))  # a job sees only what it reaches
        if at_least(granted, level) and granted != "NONE":
            levels[c["id"]] = (granted, sources)

    def entry(c):
        granted, sources = levels[c["id"]]
        return {"id": c["id"], "level": granted, "permissionSources": sources,
                "public": PUBLIC in permissions(c)}
    candidates = [req.state["containers"][cid] for cid in levels]
    return project_results(req, candidates, payload, entry)


def resolve_data_objects(req):
    payload = req.payload
    default_project = entity_id(payload, "project", CONTAINER_IDS, None)
    default_folder = get(payload, "folder", str, "/")
    specs = get(payload, "objects", list)
    if len(specs) > MAX_LIMIT:
        raise InvalidInput('Expected key "objects" of input to have at most %d entries' % MAX_LIMIT)
    return {"results": [_resolve_one(req, spec, default_project, default_folder) for spec in specs]}


def _resolve_one(req, spec, default_project, default_folder):
    if not isinstance(spec, dict):
        raise InvalidInput('Expected each entry of key "objects" of input to be a JSON object')
    project = entity_id(spec, "project", CONTAINER_IDS, default_project)
    if project is None:
        raise InvalidInput("Each object to resolve needs a project")
    container(req, project)
    folder = paths.normalize(get(spec, "folder", str, default_folder))
    name = get(spec, "name", str)
    klass = get(spec, "classname", str, None)
    return [{"project": obj["project"], "id": obj["id"]}
            for obj in sorted(req.state["objects"].values(), key=lambda o: o["id"])
            if obj["project"] == project and obj["folder"] == folder and obj["name"] == name
            and (klass is None or obj["class"] == klass)]


def describe_data_objects(req):
    payload = req.payload
    specs = get(payload, "objects", list)
    class_options = get(payload, "classDescribeOptions", dict, {})
    return {"results": [_describe_one(req, spec, class_options) for spec in specs]}


_DESCRIBE_KEYS = ("fields", "defaultFields", "properties", "details", "project")


def _describe_one(req, spec, class_options):
    if isinstance(spec, str):
        spec = {"id": spec}
    if not isinstance(spec, dict):
        raise InvalidInput('Expected each entry of key "objects" of input to be an ID or a JSON object')
    oid = get(spec, "id", str)
    if id_class(oid) is None:
        raise InvalidInput("Invalid object ID %r" % oid)
    options = get(spec, "describe", (bool, dict), True)
    if options is True:
        options = class_options.get(id_class(oid), class_options.get("*", {}))
        if not isinstance(options, dict):
            raise InvalidInput('Expected values of key "classDescribeOptions" of input to be JSON objects')
    elif isinstance(options, dict) and not any(key in options for key in _DESCRIBE_KEYS):
        options = {"fields": options}  # a bare field selector, as some clients send
    try:
        obj = data_object(req, oid, entity_id(spec, "project", CONTAINER_IDS, None))
        if options is False:
            return {"id": oid}
        return {"describe": describe_object(obj, options)}
    except PlatformError as error:
        return {"error": error.to_json()["error"]}


