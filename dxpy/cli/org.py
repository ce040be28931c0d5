"""Handlers of the org commands of ``dx``: ``dx find orgs``."""
import json

from ..utils.printing import DELIMITER


def _find_orgs_query(args):
    """The ``/system/findOrgs`` input for the options of ``dx find orgs``."""
    query = {"level": args.level}
    if args.with_billable_activities is not None:
        query["allowBillableActivities"] = args.with_billable_activities
    if not args.brief:
        query["describe"] = True
    return query


def find_orgs(args):
    """``dx find orgs``: JSON (on one line), IDs (--brief), or "ID : name" lines."""
    import dxpy
    results = dxpy.find_orgs(_find_orgs_query(args))
    if args.json:
        print(json.dumps(list(results)))
        return
    separator = DELIMITER(args.delimiter) if args.delimiter else " : "
    for result in results:
        print(result["id"] if args.brief else result["id"] + separator + result["describe"]["name"])
