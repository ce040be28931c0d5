"""Apps and global workflows: versioned executables in one global namespace.

A name belongs to its developers; each version is a record in ``state["apps"]`` (or
``state["globalworkflows"]``) and is addressed as ``app-xxxx``, ``app-name`` (the version
carrying the "default" alias), ``app-name/1.0.0`` or ``app-name/alias``. Developers and
authorized users belong to the name; categories, aliases and publication to a version."""
import copy
import re

from ..errors import InvalidInput, InvalidState, PermissionDenied, ResourceNotFound
from .access import container, data_object
from .containers import DEFAULT_REGION, new_container
from .edits import edit_list
from .describe import describe_option, select
from .ids import id_class, new_id, now_ms
from .objects import CONTAINER_IDS
from .orgs import admin_org
from .queries import limit_of, name_matcher, paginate, time_matcher
from .executables import RESOLVERS, access_spec, resolve_applet
from .validate import REQUIRED, entity_id, get, strings

NAME = re.compile(r"^[a-zA-Z0-9._-]+$")
VERSION = re.compile(r"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$")
DEFAULT_ALIAS = "default"


class Kind(object):
    """What differs between apps and global workflows."""

    def __init__(self, klass, table, names, source):
        self.klass = klass      # "app" / "globalworkflow"
        self.table = table      # state key of the versions
        self.names = names      # state key of the per-name developers / authorized users
        self.source = source    # the data object class a version is made from

    def versions(self, state):
        return state.setdefault(self.table, {})

    def name_record(self, state, name):
        return state.setdefault(self.names, {}).get(name)


APP = Kind("app", "apps", "appNames", "applet")
GLOBAL_WORKFLOW = Kind("globalworkflow", "globalworkflows", "globalworkflowNames", "workflow")
KINDS = {"app": APP, "globalworkflow": GLOBAL_WORKFLOW}
# Classes addressed by name as well as by ID (``/app-name/describe``, ``/app-name/1.0.0/run``).
NAMED_CLASSES = tuple(KINDS)


# Who may see and change what

def member_of(req, org_id):
    """Whether the caller belongs to *org_id* (orgs are kept by the access model, if at all)."""
    org = req.state.get("orgs", {}).get(org_id)
    members = org.get("members", {}) if isinstance(org, dict) else {}
    return req.user in members


def _listed(req, principals):
    return any(who == req.user or who == "PUBLIC" or (who.startswith("org-") and member_of(req, who))
               for who in principals)


def is_developer(req, kind, record):
    names = kind.name_record(req.state, record["name"])
    return names is not None and _listed(req, names["developers"])


def visible(req, kind, record):
    """Developers see every version; authorized users the published ones."""
    if is_developer(req, kind, record):
        return True
    names = kind.name_record(req.state, record["name"])
    return "published" in record and names is not None and _listed(req, names["authorizedUsers"])


def lookup(req, kind, resource=None):
    """The version *resource* (default: the route's) names, if the caller may see it."""
    resource = req.id if resource is None else resource
    base, _, alias = resource.partition("/")
    versions = kind.versions(req.state)
    if not alias and id_class(base) == kind.klass:
        record = versions.get(base)
        if record is None:
            raise ResourceNotFound("The entity %s could not be found" % base)
        if not visible(req, kind, record):
            raise PermissionDenied("You do not have access to %s" % base)
        return record
    name = base[len(kind.klass) + 1:]
    alias = alias or DEFAULT_ALIAS
    for record in versions.values():
        if record["name"] == name and not record["deleted"] and alias in record["aliases"] \
                and visible(req, kind, record):
            return record
    raise ResourceNotFound('No %s named "%s" has the version or alias "%s"' % (kind.klass, name, alias))


def _developer_only(req, kind, record):
    if not is_developer(req, kind, record):
        raise PermissionDenied("Only the developers of %s %s may do this" % (kind.klass, record["name"]))
    return record


def _editable(req, kind):
    record = _developer_only(req, kind, lookup(req, kind))
    if record["deleted"]:
        raise InvalidState("%s has been deleted" % record["id"])
    return record


def _unpublished(req, kind):
    record = _editable(req, kind)
    if "published" in record:
        raise InvalidState("%s has been published and can no longer be changed" % record["id"])
    return record


def _touch(record):
    record["modified"] = max(now_ms(), record["modified"])
    return {"id": record["id"]}


# Creation

def _principals(payload, key, allow_public, default=REQUIRED):
    """A list of user and org IDs (and "PUBLIC" when *allow_public*)."""
    values = strings(payload, key, default)
    for value in values or []:
        if not (value.startswith(("user-", "org-")) or (allow_public and value == "PUBLIC")):
            raise InvalidInput('Expected key "%s" of input to list user or org IDs, not %r' % (key, value))
    return values


def _claim_name(req, kind, name):
    """The name's record, created for the caller when the name is new."""
    names = kind.name_record(req.state, name)
    if names is None:
        names = {"developers": [req.user], "authorizedUsers": []}
        req.state[kind.names][name] = names
    elif not _listed(req, names["developers"]):
        raise PermissionDenied('The %s name "%s" belongs to other developers' % (kind.klass, name))
    return names


def _source(req, kind, payload):
    """The applet (or workflow) a version is made from: ``applet``/``workflow`` or the one
    ``regionalOptions`` gives for the emulator's region."""
    regional = get(payload, "regionalOptions", dict, None)
    direct = get(payload, kind.source, str, None)
    if regional is not None:
        unknown = [region for region in regional if region != DEFAULT_REGION]
        options = regional.get(DEFAULT_REGION)
        if unknown or not isinstance(options, dict):
            raise InvalidInput('Expected key "regionalOptions" of input to have exactly the region %s' % DEFAULT_REGION)
        direct = get(options, kind.source, str)
    if direct is None:
        raise InvalidInput('Expected input to have key "%s" or "regionalOptions"' % kind.source)
    return direct


def _check_version(req, kind, name, version):
    if not VERSION.match(version):
        raise InvalidInput('Expected key "version" of input to be a semantic version such as 1.0.0, not %r'
                           % version)
    for record in kind.versions(req.state).values():
        if record["name"] == name and version in record["aliases"] + [record["version"]]:
            raise InvalidInput("Specified name and version conflict with an existing alias")


_TEXT = ("title", "summary", "description", "developerNotes")
# (field, type) of what an update may change on any version, and of an app's run options.
_EDITABLE = tuple((key, str) for key in _TEXT) + (("details", (dict, list)),)
_RUN_OPTIONS = (("ignoreReuse", bool), ("httpsApp", dict), ("treeTurnaroundTimeThreshold", int))


def _copy_given(payload, target, typed_fields):
    """Copy into *target* the fields of *typed_fields* that *payload* has, type-checked."""
    for key, kind in typed_fields:
        if key in payload:
            target[key] = copy.deepcopy(get(payload, key, kind))


def _common_new(req, kind, initial):
    """The fields every new version has; *initial* holds those copied from elsewhere."""
    payload = req.payload
    name = get(payload, "name", str, initial.get("name"))
    if name is None:
        raise InvalidInput('Expected input to have key "name"')
    if not NAME.match(name):
        raise InvalidInput('Expected key "name" of input to contain only letters, digits, ".", "_" and "-"')
    version = get(payload, "version", str)
    bill_to = get(payload, "billTo", str, req.user)
    if not bill_to.startswith(("user-", "org-")):
        raise InvalidInput('Expected key "billTo" of input to be a user or org ID')
    if bill_to.startswith("user-") and bill_to != req.user:
        raise PermissionDenied("Only you or one of your orgs can be billed, not %s" % bill_to)
    categories = strings(payload, "categories", initial.get("categories", []))
    authorized = _principals(payload, "authorizedUsers", True, None)
    details = copy.deepcopy(get(payload, "details", (dict, list), initial.get("details", {})))
    names = kind.name_record(req.state, name)
    if names is not None and not _listed(req, names["developers"]):
        raise PermissionDenied('The %s name "%s" belongs to other developers' % (kind.klass, name))
    _check_version(req, kind, name, version)
    now = now_ms()
    record = {"id": new_id(kind.klass), "class": kind.klass, "name": name, "version": version,
              "aliases": [version], "created": now, "modified": now, "createdBy": req.user, "billTo": bill_to,
              "deleted": False, "categories": list(dict.fromkeys(categories)), "details": details,
              "_installedBy": [], "_order": len(kind.versions(req.state))}
    for key in _TEXT:
        record[key] = get(payload, key, str, initial.get(key) or "")
    return record, authorized


def _store(req, kind, record, authorized):
    names = _claim_name(req, kind, record["name"])
    if authorized is not None:
        names["authorizedUsers"] = list(dict.fromkeys(authorized))
    if not any(other["name"] == record["name"] and DEFAULT_ALIAS in other["aliases"]
               for other in kind.versions(req.state).values()):
        record["aliases"].append(DEFAULT_ALIAS)  # the first version of a name is its default
    kind.versions(req.state)[record["id"]] = record
    return {"id": record["id"]}


_FROM_APPLET = ("dxapi", "runSpec", "inputSpec", "outputSpec", "access", "ignoreReuse", "httpsApp",
                "treeTurnaroundTimeThreshold")


def _applet_fields(req, applet_id):
    applet = resolve_applet(req, applet_id)
    if applet.get("inputSpec") is None or applet.get("outputSpec") is None:
        raise InvalidInput("An app needs an input and an output specification; %s lacks one" % applet_id)
    fields = dict((key, copy.deepcopy(applet[key])) for key in _FROM_APPLET if key in applet)
    fields["applet"] = applet_id
    for key in _TEXT:
        fields["_" + key] = applet.get(key) or ""
    return fields


def _resources(req, payload):
    resources = get(payload, "resources", (str, list), None)
    if resources is None:
        # The platform gives every app version a resources container, empty when none is given.
        return new_container(req.state, req.user)
    if isinstance(resources, str):
        entity_id(payload, "resources", CONTAINER_IDS)
        container(req, resources)
    elif isinstance(resources, list):
        for file_id in strings(payload, "resources"):
            data_object(req, file_id)
    return copy.deepcopy(resources)


def _app_spec(req, payload, record):
    """Set what a version runs from its applet and the input's overrides."""
    fields = _applet_fields(req, _source(req, APP, payload))
    for key in _TEXT:
        text = fields.pop("_" + key)
        if key not in payload:
            record[key] = record[key] or text
    record.update(fields)
    if "access" in payload:
        record["access"] = access_spec(payload)
    _copy_given(payload, record, _RUN_OPTIONS)
    record["resources"] = _resources(req, payload)
    record["regionalOptions"] = {DEFAULT_REGION: {"applet": record["applet"], "resources": record["resources"]}}


def app_new(req):
    payload = req.payload
    initial = {}
    source = get(payload, "initializeFrom", dict, None)
    if source is not None:
        initial = copy.deepcopy(lookup(req, APP, get(source, "id", str)))
        if "applet" not in payload and "regionalOptions" not in payload:
            payload = dict(payload, applet=initial["applet"])
    record, authorized = _common_new(req, APP, initial)
    record["openSource"] = get(payload, "openSource", bool, initial.get("openSource", False))
    _app_spec(req, payload, record)
    return _store(req, APP, record, authorized)


def _workflow_copy(req, workflow_id):
    """A closed copy of the workflow, kept in a container of the version's own."""
    wf = data_object(req, workflow_id)
    if wf["class"] != "workflow":
        raise InvalidInput("%s is not a workflow" % workflow_id)
    cid = new_container(req.state, req.user)
    copied = copy.deepcopy(wf)
    copied.update({"id": new_id("workflow"), "project": cid, "folder": "/", "state": "closed"})
    req.state["objects"][copied["id"]] = copied
    return copied["id"], cid


def global_workflow_new(req):
    payload = req.payload
    record, authorized = _common_new(req, GLOBAL_WORKFLOW, {})
    workflow_id, cid = _workflow_copy(req, _source(req, GLOBAL_WORKFLOW, payload))
    record["dxapi"] = get(payload, "dxapi", str, "1.0.0")
    record["regionalOptions"] = {DEFAULT_REGION: {"workflow": workflow_id, "resources": cid}}
    return _store(req, GLOBAL_WORKFLOW, record, authorized)


# Description

def _full(req, kind, record):
    full = dict((key, copy.deepcopy(value)) for key, value in record.items() if not key.startswith("_"))
    full["installed"] = req.user in record["_installedBy"]
    full["installs"] = len(record["_installedBy"])
    full["isDeveloperFor"] = is_developer(req, kind, record)
    if full["isDeveloperFor"]:  # who may run it is the developers' business
        full["authorizedUsers"] = list(kind.name_record(req.state, record["name"])["authorizedUsers"])
    return full


def describe_version(req, kind, record, payload):
    return select(_full(req, kind, record), (), payload)


def _describer(kind):
    def describe(req):
        return describe_version(req, kind, lookup(req, kind), req.payload)
    describe.__name__ = "%s_describe" % kind.klass
    return describe


_GET_FIELDS = ("name", "version", "title", "summary", "description", "developerNotes", "details", "dxapi",
               "openSource", "httpsApp", "inputSpec", "outputSpec", "runSpec", "access", "categories",
               "ignoreReuse", "treeTurnaroundTimeThreshold", "resources", "regionalOptions", "billTo")


def app_get(req):
    record = lookup(req, APP)
    result = dict((key, copy.deepcopy(record[key])) for key in _GET_FIELDS if key in record)
    names = APP.name_record(req.state, record["name"])
    result["developers"] = list(names["developers"])
    result["authorizedUsers"] = list(names["authorizedUsers"])
    return result


# Changes to one version

def app_update(req):
    record = _unpublished(req, APP)
    payload = req.payload
    changes = dict(record)
    _copy_given(payload, changes, _EDITABLE)
    if "applet" in payload or "regionalOptions" in payload:
        _app_spec(req, payload, changes)
    else:
        _copy_given(payload, changes, _RUN_OPTIONS)
        if "access" in payload:
            changes["access"] = access_spec(payload)
        if "resources" in payload:
            changes["resources"] = _resources(req, payload)
            changes["regionalOptions"][DEFAULT_REGION]["resources"] = changes["resources"]
    record.update(changes)
    return _touch(record)


def global_workflow_update(req):
    record = _unpublished(req, GLOBAL_WORKFLOW)
    payload = req.payload
    changes = {}
    _copy_given(payload, changes, _EDITABLE)
    if "workflow" in payload or "regionalOptions" in payload:
        workflow_id, cid = _workflow_copy(req, _source(req, GLOBAL_WORKFLOW, payload))
        changes["regionalOptions"] = {DEFAULT_REGION: {"workflow": workflow_id, "resources": cid}}
    record.update(changes)
    return _touch(record)


def _move_aliases(req, kind, record, aliases):
    """Give *record* the *aliases*, taking them from the other versions of its name."""
    for alias in aliases:
        if VERSION.match(alias):
            raise InvalidInput('The alias "%s" looks like a version number' % alias)
    for other in kind.versions(req.state).values():
        if other["name"] == record["name"] and other is not record:
            other["aliases"] = [alias for alias in other["aliases"] if alias not in aliases]
    edit_list(record, "aliases", aliases, adding=True)


def _version_editor(kind, route_name, change):
    """The route that applies ``change(req, kind, record)`` to the caller's editable
    version of *kind*, then marks it modified."""
    def edit(req):
        record = _editable(req, kind)
        change(req, kind, record)
        return _touch(record)
    edit.__name__ = "%s_%s" % (kind.klass, route_name)
    return edit


def _publish(req, kind, record):
    make_default = get(req.payload, "makeDefault", bool, False)
    if "published" in record:
        raise InvalidState("%s is already published" % record["id"])
    record["published"] = now_ms()
    if make_default:
        _move_aliases(req, kind, record, [DEFAULT_ALIAS])


def _delete(req, kind, record):
    record["deleted"] = True
    record["aliases"] = []


def _add_tags(req, kind, record):
    _move_aliases(req, kind, record, strings(req.payload, "tags"))


def _remove_tags(req, kind, record):
    tags = strings(req.payload, "tags")
    # The version number is an alias too, and stays.
    record["aliases"] = [alias for alias in record["aliases"] if alias not in tags or alias == record["version"]]


def _categories_change(adding):
    def change(req, kind, record):
        edit_list(record, "categories", strings(req.payload, "categories"), adding)
    return change


def _existing_principals(req, values):
    """ResourceNotFound unless each of *values* is a known user or org (or PUBLIC)."""
    for value in values:
        if value == "PUBLIC":
            continue
        table = req.state.get("users" if value.startswith("user-") else "orgs", {})
        if value not in table:
            raise ResourceNotFound("The %s %s could not be found" % (value.split("-", 1)[0], value))


def _principals_change(field, adding):
    """Add or remove developers or authorized users, which belong to the name, not the version.
    Only known users and orgs are added; removing one that is not listed changes nothing."""
    def change(req, kind, record):
        values = _principals(req.payload, field, field == "authorizedUsers" or not adding)
        if adding:
            _existing_principals(req, values)
        names = kind.name_record(req.state, record["name"])
        if not adding and field == "developers" and all(value in values for value in names[field]):
            raise InvalidInput("An %s must keep at least one developer" % kind.klass)
        edit_list(names, field, values, adding)
    return change


def _lister(kind, field):
    def listing(req):
        record = lookup(req, kind)
        if field == "categories":
            return {"categories": list(record["categories"])}
        return {field: list(kind.name_record(req.state, record["name"])[field])}
    listing.__name__ = "%s_list_%s" % (kind.klass, field)
    return listing


def _installer(kind, installing):
    def edit(req):
        record = lookup(req, kind)
        users = record["_installedBy"]
        if installing and req.user not in users:
            users.append(req.user)
        elif not installing and req.user in users:
            users.remove(req.user)
        return {"id": record["id"]}
    edit.__name__ = "%s_%s" % (kind.klass, "install" if installing else "uninstall")
    return edit


# Search

def _principal_filter(payload, field):
    value = get(payload, field, (str, list), None)
    if value is None:
        return None
    return [value] if isinstance(value, str) else strings(payload, field)


def _find(req, kind, payload, bill_to=None):
    name = name_matcher(payload)
    category = get(payload, "category", str, None)
    all_versions = get(payload, "allVersions", bool, False)
    published = get(payload, "published", bool, None)
    bill_to = bill_to or _principal_filter(payload, "billTo")
    created_by = get(payload, "createdBy", str, None)
    developer = get(payload, "developer", str, None)
    authorized_user = get(payload, "authorizedUser", str, None)
    installed = get(payload, "installed", bool, None)
    created, modified = time_matcher(payload, "created"), time_matcher(payload, "modified")
    describe = describe_option(payload)
    starting = get(payload, "starting", (str, type(None)), None)
    limit = limit_of(payload)

    def matches(record):
        names = kind.name_record(req.state, record["name"])
        return (not record["deleted"] and visible(req, kind, record) and name(record["name"])
                and (category is None or category in record["categories"])
                and (published is None or ("published" in record) == published)
                and (bill_to is None or record["billTo"] in bill_to)
                and (created_by is None or record["createdBy"] == created_by)
                and (developer is None or developer in names["developers"])
                and (authorized_user is None or authorized_user in names["authorizedUsers"])
                and (installed is None or (req.user in record["_installedBy"]) == installed)
                and created(record["created"]) and modified(record["modified"]))
    found = sorted((record for record in kind.versions(req.state).values() if matches(record)),
                   key=lambda record: (-record["created"], -record["_order"]))  # newest first
    if not all_versions:
        found = _one_per_name(found)
    page, following = paginate(found, lambda record: record["id"], starting, limit)
    results = []
    for record in page:
        entry = {"id": record["id"]}
        if describe is not None:
            entry["describe"] = describe_version(req, kind, record, describe)
        results.append(entry)
    return {"results": results, "next": following}


def _one_per_name(found):
    """The "default" version of each name, else its newest (*found* is newest first)."""
    chosen = {}
    for record in found:
        current = chosen.get(record["name"])
        if current is None or (DEFAULT_ALIAS in record["aliases"] and DEFAULT_ALIAS not in current["aliases"]):
            chosen[record["name"]] = record
    keep = set(id(record) for record in chosen.values())
    return [record for record in found if id(record) in keep]


def find_apps(req):
    return _find(req, APP, req.payload)


def find_global_workflows(req):
    return _find(req, GLOBAL_WORKFLOW, req.payload)


def org_find_apps(req):
    """Apps billed to the org, for its ADMINs (as ``findProjects``)."""
    admin_org(req)
    return _find(req, APP, req.payload, bill_to=[req.id])


def resolve_app(req, executable):
    """An app usable as a workflow stage or run: visible and not deleted."""
    record = lookup(req, APP, executable)
    if record["deleted"]:
        raise InvalidState("%s has been deleted" % record["id"])
    return record


RESOLVERS["app"] = resolve_app


def _principals_editor(kind, field, adding):
    name = ("add_" if adding else "remove_") + ("developers" if field == "developers" else "authorized_users")
    return _version_editor(kind, name, _principals_change(field, adding))


# Route handlers, alike for apps and global workflows (bound to routes by the route table)
app_describe = _describer(APP)
app_publish = _version_editor(APP, "publish", _publish)
app_delete = _version_editor(APP, "delete", _delete)
app_add_tags = _version_editor(APP, "add_tags", _add_tags)
app_remove_tags = _version_editor(APP, "remove_tags", _remove_tags)
app_add_categories = _version_editor(APP, "add_categories", _categories_change(True))
app_remove_categories = _version_editor(APP, "remove_categories", _categories_change(False))
app_add_developers = _principals_editor(APP, "developers", True)
app_remove_developers = _principals_editor(APP, "developers", False)
app_add_authorized_users = _principals_editor(APP, "authorizedUsers", True)
app_remove_authorized_users = _principals_editor(APP, "authorizedUsers", False)
app_list_categories = _lister(APP, "categories")
app_list_developers = _lister(APP, "developers")
app_list_authorized_users = _lister(APP, "authorizedUsers")
app_install = _installer(APP, True)
app_uninstall = _installer(APP, False)
globalworkflow_describe = _describer(GLOBAL_WORKFLOW)
globalworkflow_publish = _version_editor(GLOBAL_WORKFLOW, "publish", _publish)
globalworkflow_delete = _version_editor(GLOBAL_WORKFLOW, "delete", _delete)
globalworkflow_add_tags = _version_editor(GLOBAL_WORKFLOW, "add_tags", _add_tags)
globalworkflow_remove_tags = _version_editor(GLOBAL_WORKFLOW, "remove_tags", _remove_tags)
globalworkflow_add_categories = _version_editor(GLOBAL_WORKFLOW, "add_categories", _categories_change(True))
globalworkflow_remove_categories = _version_editor(GLOBAL_WORKFLOW, "remove_categories", _categories_change(False))
globalworkflow_add_developers = _principals_editor(GLOBAL_WORKFLOW, "developers", True)
globalworkflow_remove_developers = _principals_editor(GLOBAL_WORKFLOW, "developers", False)
globalworkflow_add_authorized_users = _principals_editor(GLOBAL_WORKFLOW, "authorizedUsers", True)
globalworkflow_remove_authorized_users = _principals_editor(GLOBAL_WORKFLOW, "authorizedUsers", False)
globalworkflow_list_categories = _lister(GLOBAL_WORKFLOW, "categories")
globalworkflow_list_developers = _lister(GLOBAL_WORKFLOW, "developers")
globalworkflow_list_authorized_users = _lister(GLOBAL_WORKFLOW, "authorizedUsers")
