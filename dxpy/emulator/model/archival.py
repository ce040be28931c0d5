"""``/project-xxxx/archive`` and ``/project-xxxx/unarchive``: the archival state of files.

A file's copies (one per project it is cloned into) each have an ``archivalState``. Archiving a
copy makes it "archival"; once every copy in the projects billed to the same account is
"archival", they all become "archived" (with ``allCopies``, at once; only an admin of the
billing org may ask for that). Unarchiving an "archival" copy cancels the request (back to
"live"); unarchiving an "archived" file restores the copy asked for (the emulator's storage
restores at once, so it is "live" again in the same call) and leaves the account's other
copies "archival". Only "live" files can be downloaded.
"""
from ..errors import InvalidInput, InvalidState, PermissionDenied, ResourceNotFound
from . import paths
from .access import container, object_copies, objects_in, touch
from .folders import folder_arg, require_folder
from .validate import get, one_of, strings

UNARCHIVE_RATES = ("Expedited", "Standard", "Bulk")


def archival_state(obj):
    return obj.get("archivalState", "live")


def _bill_to(req, cid):
    c = req.state["containers"].get(cid)
    return c.get("billTo", c["owner"]) if c is not None else None


def _files(req, project):
    """The file copies in *project* that the input names: ``files`` (IDs), or ``folder``
    (with ``recurse``, default true); exactly one of the two."""
    ids = strings(req.payload, "files", None)
    has_folder = "folder" in req.payload
    if (ids is None) == (not has_folder):
        raise InvalidInput('Expected exactly one of "files" and "folder" in the input')
    recurse = get(req.payload, "recurse", bool, True)
    if ids is not None:
        if not ids:
            raise InvalidInput('Expected "files" to list at least one file ID')
        found = []
        for oid in ids:
            obj = next((copy for copy in object_copies(req.state, oid) if copy["project"] == project["id"]), None)
            if obj is None:
                raise ResourceNotFound("The file %s could not be found in %s" % (oid, project["id"]))
            if obj["class"] != "file":
                raise InvalidInput("%s is not a file: only files can be archived" % oid)
            found.append(obj)
        return found
    folder = folder_arg(req.payload)
    require_folder(project, folder)
    return sorted((obj for obj in objects_in(req, project["id"])
                   if obj["class"] == "file" and (obj["folder"] == folder
                                                  or (recurse and paths.is_within(obj["folder"], folder)))),
                  key=lambda obj: obj["id"])


def _same_account_copies(req, obj, bill_to):
    return [copy for copy in object_copies(req.state, obj["id"]) if _bill_to(req, copy["project"]) == bill_to]


def _require_billing_org_admin(req, bill_to):
    org = req.state.get("orgs", {}).get(bill_to) if bill_to.startswith("org-") else None
    member = org["members"].get(req.user) if org is not None else None
    if member is None or member.get("level") != "ADMIN":
        raise PermissionDenied("allCopies needs ADMIN membership in the org %s that the project is billed to"
                               % bill_to)


def project_archive(req):
    project = container(req)
    all_copies = get(req.payload, "allCopies", bool, False)
    bill_to = _bill_to(req, project["id"])
    if all_copies:
        _require_billing_org_admin(req, bill_to)
    files = _files(req, project)
    for obj in files:
        if obj["state"] != "closed":
            raise InvalidState("%s is in the %s state; only closed files can be archived" % (obj["id"], obj["state"]))
    count = 0
    for obj in files:
        if archival_state(obj) != "live":
            continue  # already archived or on its way: skipped, as the platform does
        obj["archivalState"] = "archival"
        count += 1
        copies = _same_account_copies(req, obj, bill_to)
        if all_copies or all(archival_state(copy) == "archival" for copy in copies):
            for copy in copies:
                copy["archivalState"] = "archived"
    touch(project)
    return {"count": count}


def project_unarchive(req):
    project = container(req)
    one_of(req.payload, "rate", UNARCHIVE_RATES, "Standard")
    dry_run = get(req.payload, "dryRun", bool, False)
    bill_to = _bill_to(req, project["id"])
    wanted = [obj for obj in _files(req, project) if archival_state(obj) in ("archival", "archived")]
    size = sum(obj.get("size", 0) for obj in wanted if archival_state(obj) == "archived")
    if not dry_run:
        for obj in wanted:
            if archival_state(obj) == "archival":
                obj["archivalState"] = "live"  # the archive request is cancelled
                continue
            # The copy asked for comes back; the account's other copies wait in "archival".
            for copy in _same_account_copies(req, obj, bill_to):
                copy["archivalState"] = "live" if copy is obj else "archival"
        touch(project)
    # The emulator stores nothing in a paid archive tier: restoring costs nothing.
    return {"files": len(wanted), "size": round(size / 1e9, 3), "cost": 0}
