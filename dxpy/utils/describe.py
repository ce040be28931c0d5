# -*- coding: utf-8 -*-
"""Human-readable rendering of describe hashes (projects, data objects, apps, global
workflows, jobs and analyses, users), of IO specs and values, sizes and timestamps, as
printed by ``dx describe``, ``dx ls -l`` and ``dx find executions``.

The ``print_*`` functions write to standard output; the ``get_*`` functions return text.
None of them changes the describe hash it is given.
"""

import json
import locale
import math
import sys
import time

import dxpy

from ..compat import basestring
from .pretty_print import format_timedelta
from .printing import (BLUE, BOLD, DELIMITER, ENDC, GREEN, RED, UNDERLINE, WHITE, YELLOW,  # noqa: F401
                       fill, get_delimiter)

# Width of the label column in ``dx describe`` output.
FIELD_NAME_WIDTH = 34

SIZE_LEVEL = ["bytes", "KB", "MB", "GB", "TB"]

_HASHID_CLASSES = ("record", "app", "applet", "workflow", "globalworkflow", "job", "analysis",
                   "project", "container", "file", "database")


# ---------------------------------------------------------------------------------------------
# Small values

def JOB_STATES(state):
    """*state* of an execution, coloured: failures red, success and running green, others yellow."""
    state = str(state)
    if state == "failed":
        return BOLD() + RED() + state + ENDC()
    if state == "done":
        return BOLD() + GREEN() + state + ENDC()
    if state in ("running", "in_progress"):
        return GREEN() + state + ENDC()
    if state == "partially_failed":
        return RED() + state + ENDC()
    return YELLOW() + state + ENDC()


def DATA_STATES(state):
    """*state* of a data object, coloured: open/closing yellow, closed green."""
    if state in ("open", "closing"):
        return YELLOW() + state + ENDC()
    if state == "closed":
        return GREEN() + state + ENDC()
    return state


def get_size_str(size):
    """A byte count as at most 9 characters: ``"512 bytes"``, ``"1.50 KB"``, ... up to TB.
    None counts as 0."""
    if size is None:
        return "0 " + SIZE_LEVEL[0]
    if isinstance(size, bool) or not isinstance(size, (int, float)):
        raise TypeError("get_size_str expects a number of bytes, not %r" % (size,))
    if size < 0:
        raise ValueError("get_size_str expects a non-negative number of bytes, not %r" % (size,))
    level = 0
    if size > 0:
        # The unit is picked from the decimal order of magnitude but the value is divided
        # by powers of 1024 (so 1000-1023 bytes show as 0.98 KB .. 1.00 KB): dx does so.
        level = max(0, min(int(math.floor(math.log(size, 10)) // 3), len(SIZE_LEVEL) - 1))
    if level == 0:
        return "%d %s" % (size, SIZE_LEVEL[0])
    return "%.2f %s" % (float(size) / 2 ** (level * 10), SIZE_LEVEL[level])


def render_short_timestamp(timestamp):
    """Milliseconds since the epoch as local ``YYYY-MM-DD HH:MM:SS``."""
    import datetime
    return str(datetime.datetime.fromtimestamp(_seconds(timestamp)))


def render_timestamp(timestamp):
    """Milliseconds since the epoch as a local ``ctime`` string (``Tue Jan  2 03:04:05 2024``)."""
    import datetime
    return datetime.datetime.fromtimestamp(_seconds(timestamp)).ctime()


def _seconds(timestamp):
    if isinstance(timestamp, bool) or not isinstance(timestamp, (int, float)):
        raise TypeError("a timestamp must be a number of milliseconds since the epoch, not %r" % (timestamp,))
    return timestamp // 1000


def _duration(seconds):
    """Seconds as ``H:MM:SS`` (with ``N days,`` in front when needed)."""
    import datetime
    return str(datetime.timedelta(seconds=seconds))


def _strip_user_prefix(entity_id):
    """``user-alice`` -> ``alice``; other IDs (``org-x``) unchanged."""
    return entity_id[5:] if entity_id.startswith("user-") else entity_id


def _is_hashid(value):
    if not isinstance(value, str) or "-" not in value:
        return False
    klass, rest = value.split("-", 1)
    return klass in _HASHID_CLASSES and len(rest) == 24 and rest.isalnum() and rest.isascii()


def _check_desc(desc, required, what):
    """Fail before printing anything when *desc* cannot be rendered."""
    if not isinstance(desc, dict):
        raise TypeError("%s expects a describe hash (dict), not %s" % (what, type(desc).__name__))
    missing = [field for field in required if field not in desc]
    if missing:
        raise KeyError("%s: the describe hash of %s has no %s field"
                       % (what, desc.get("id", "an object"), ", ".join(repr(f) for f in missing)))


# ---------------------------------------------------------------------------------------------
# IO specs and values

def parse_typespec(thing):
    """A ``type`` constraint of an IO spec as text: ``A``, ``(A AND B)``, ``(A OR (B AND C))``."""
    if isinstance(thing, basestring):
        return thing
    if isinstance(thing, dict):
        for operator, word in (("$and", " AND "), ("$or", " OR ")):
            if operator in thing and isinstance(thing[operator], list):
                return "(" + word.join(parse_typespec(part) for part in thing[operator]) + ")"
    return "Type spec could not be parsed"


def get_io_desc(parameter, include_class=True, show_opt=True, app_help_version=False):
    """One IO spec entry as text, e.g. ``[reads (array:file, default=[])]``; with
    *app_help_version*, as a command-line hint (``-ireads=file [-ireads=... [...]]``)."""
    optional = "default" in parameter or bool(parameter.get("optional"))
    if app_help_version and parameter["class"].startswith("array"):
        scalar = dict(parameter)
        scalar["class"] = parameter["class"][len("array:"):]
        hint = get_io_desc(scalar, include_class=include_class, show_opt=False, app_help_version=True)
        hint += " [-i%s=... [...]]" % (parameter["name"],)
        return "[" + hint + "]" if optional else hint

    details = []
    if include_class:
        details.append(parameter["class"])
    if "type" in parameter:
        details.append("type " + parse_typespec(parameter["type"]))
    if "default" in parameter:
        details.append("default=" + json.dumps(parameter["default"]))
    text = ("-i" if app_help_version else "") + parameter["name"]
    if details:
        text += ("=" if app_help_version else " ") + "(" + ", ".join(details) + ")"
    if show_opt and optional:
        text = "[" + text + "]"
    return text


def get_io_spec(spec, skip_fields=None):
    """An input or output spec as the indented block ``dx describe`` prints: ungrouped
    parameters first, then each group under its name. Parameters named in *skip_fields*
    are left out (and a note says so)."""
    if spec is None:
        return "null"
    skip_fields = list(skip_fields or [])
    groups = {None: []}  # insertion-ordered: ungrouped first, then groups as met
    for param in spec:
        if param["name"] not in skip_fields:
            groups.setdefault(param.get("group"), []).append(param)
    entries = [get_io_desc(param) for param in groups.pop(None)]
    for group, params in groups.items():
        entries.append("%s:" % (group,))
        entries.extend("    " + get_io_desc(param) for param in params)
    if skip_fields:
        entries.append("<advanced inputs hidden; use --verbose to see more>")
    if not entries:
        return "-"
    if get_delimiter() is not None:
        return ("\n" + get_delimiter()).join(entries)
    wrapped = [fill(entry, subsequent_indent=" " * 18, width_adjustment=-18) for entry in entries]
    return ("\n" + " " * 16).join(wrapped)


def is_job_ref(thing, reftype=dict):
    """Whether *thing* is a job-based object reference: ``{"job": ..., "field": ...}`` or
    ``{"$dnanexus_link": {"job": ..., "field": ...[, "index": n]}}``."""
    if not isinstance(thing, reftype):
        return False
    if len(thing) == 2:
        return isinstance(thing.get("field"), basestring) and isinstance(thing.get("job"), basestring)
    if len(thing) == 1:
        link = thing.get("$dnanexus_link")
        return (isinstance(link, reftype) and isinstance(link.get("field"), basestring)
                and isinstance(link.get("job"), basestring))
    return False


def _jbor_parts(thing):
    return thing["$dnanexus_link"] if "$dnanexus_link" in thing else thing


def get_job_from_jbor(thing):
    """The job ID of a job-based object reference (see :func:`is_job_ref`)."""
    return _jbor_parts(thing)["job"]


def get_field_from_jbor(thing):
    """The output field name of a job-based object reference."""
    return _jbor_parts(thing)["field"]


def get_index_from_jbor(thing):
    """The array index of a job-based object reference in link form, else None."""
    if "$dnanexus_link" in thing:
        return thing["$dnanexus_link"].get("index")
    return None


def is_metadata_ref(thing, reftype=dict):
    """Whether *thing* is ``{"$dnanexus_link": {"metadata": "...", ...}}``."""
    if not (isinstance(thing, reftype) and len(thing) == 1):
        return False
    link = thing.get("$dnanexus_link")
    return isinstance(link, reftype) and isinstance(link.get("metadata"), basestring)


def jbor_to_str(val):
    """``job-xxxx:field`` (or ``job-xxxx:field.index``)."""
    text = get_job_from_jbor(val) + ":" + get_field_from_jbor(val)
    index = get_index_from_jbor(val)
    return text if index is None else text + "." + str(index)


def io_val_to_str(val):
    """An input or output value on one line: links as IDs (``project-x:file-y``),
    job references as ``job-x:field``, arrays and hashes spelled out, the rest as JSON."""
    if is_job_ref(val):
        return jbor_to_str(val)
    if isinstance(val, dict) and "$dnanexus_link" in val:
        link = val["$dnanexus_link"]
        if isinstance(link, basestring):
            return link
        if isinstance(link, dict) and "project" in link and "id" in link:
            return link["project"] + ":" + link["id"]
        return json.dumps(val)
    if isinstance(val, list):
        return "[ " + ", ".join(io_val_to_str(item) for item in val) + " ]" if val else "[]"
    if isinstance(val, dict):
        return "{ " + ", ".join(str(key) + ": " + io_val_to_str(value) for key, value in val.items()) + " }"
    return json.dumps(val)


def job_output_to_str(job_output, prefix="\n", title="Output: ", title_len=None):
    """An execution's output hash, one ``name = value`` per line after *title*,
    each line starting with *prefix*; ``-`` when there is none."""
    if not job_output:
        return prefix + title + "-"
    if title_len is None:
        title_len = len(title)
    lines = [fill(key + " = " + io_val_to_str(value), subsequent_indent=" " * 9, break_long_words=False)
             for key, value in job_output.items()]
    return prefix + title + (prefix + " " * title_len).join(lines)


def get_io_field(io_hash, defaults=None, delim="=", highlight_fields=()):
    """An input/output hash as the value column of ``dx describe``: one ``name = value``
    per line, the *defaults* after them in brackets, the values of *highlight_fields* in
    yellow. ``-`` when there is nothing to show."""
    defaults = defaults or {}
    if io_hash is None or (len(io_hash) == 0 and len(defaults) == 0):
        return "-"

    def shown(key, value):
        text = io_val_to_str(value)
        return YELLOW() + text + ENDC() if key in highlight_fields else text

    if get_delimiter() is not None:
        entries = [key + delim + shown(key, value) for key, value in io_hash.items()]
        entries += ["[" + key + delim + io_val_to_str(value) + "]" for key, value in defaults.items()]
        return ("\n" + get_delimiter()).join(entries)
    entries = [key + " " + delim + " " + shown(key, value) for key, value in io_hash.items()]
    entries += ["[" + key + " " + delim + " " + io_val_to_str(value) + "]" for key, value in defaults.items()]
    # Wrapped as if in the value column, then the first line's indent is dropped because
    # the caller prints the label there.
    text = "\n".join(fill(entry, initial_indent=" " * FIELD_NAME_WIDTH,
                          subsequent_indent=" " * (FIELD_NAME_WIDTH + 1), break_long_words=False)
                     for entry in entries)
    return text[FIELD_NAME_WIDTH:]


def get_resolved_jbors(resolved_thing, orig_thing, resolved_jbors):
    """Walk an input value as given (*orig_thing*) next to the value the platform used
    (*resolved_thing*); for each job-based reference, put the referenced job's output
    into *resolved_jbors* (keyed by ``job-x:field``). Describes the referenced jobs."""
    if resolved_thing == orig_thing:
        return
    if is_job_ref(orig_thing):
        key = jbor_to_str(orig_thing)
        if key not in resolved_jbors:
            value, found = _referenced_output(orig_thing)
            if found:
                resolved_jbors[key] = value
    elif isinstance(orig_thing, list) and isinstance(resolved_thing, list):
        for resolved_item, orig_item in zip(resolved_thing, orig_thing):
            get_resolved_jbors(resolved_item, orig_item, resolved_jbors)
    elif isinstance(orig_thing, dict) and isinstance(resolved_thing, dict) and "$dnanexus_link" not in orig_thing:
        for key in orig_thing:
            if key in resolved_thing:
                get_resolved_jbors(resolved_thing[key], orig_thing[key], resolved_jbors)


def _referenced_output(jbor):
    """(value, True) for the output a job-based reference points at, (None, False) when
    it cannot be read: the job has no output yet, is not visible, or the index is off."""
    try:
        output = dxpy.api.job_describe(get_job_from_jbor(jbor)).get("output")
    except Exception:
        # API or network failure alike: this is only an annotation of the printout, and a
        # job that cannot be read is simply not shown.
        return None, False
    if not isinstance(output, dict):
        return None, False
    value = output.get(get_field_from_jbor(jbor))
    index = get_index_from_jbor(jbor)
    if index is None:
        return value, True
    if isinstance(value, list) and isinstance(index, int) and -len(value) <= index < len(value):
        return value[index], True
    return None, False


def get_advanced_inputs(desc, verbose):
    """Names of the inputs to hide (``details.advancedInputs``) unless *verbose*."""
    details = desc.get("details")
    if not verbose and isinstance(details, dict):
        return details.get("advancedInputs", [])
    return []


# ---------------------------------------------------------------------------------------------
# Pieces of executable descriptions

def render_bundleddepends(thing):
    """``bundledDepends`` entries as ``name (id)``; an asset bundle is shown under the name of
    its asset record (found through the file's ``AssetBundle`` property)."""
    from ..exceptions import DXError

    rendered = []
    for item in thing:
        link = item["id"]["$dnanexus_link"]
        project = dxpy.WORKSPACE_ID
        if isinstance(link, dict):
            project = link.get("project", project)
            link = link["id"]
        asset_text = None
        if link.startswith("file-"):
            try:
                asset_text = _asset_bundle_name(link, project)
            except DXError:
                asset_text = None  # not readable here: fall back to the name in the spec
        rendered.append(asset_text or (item["name"] + " (" + link + ")"))
    return rendered


def _asset_bundle_name(file_id, project):
    file_input = {"properties": True, "details": False}
    if project is not None:
        file_input["project"] = project
    record_id = dxpy.api.file_describe(file_id, file_input).get("properties", {}).get("AssetBundle")
    if not record_id:
        return None
    record_input = {} if dxpy.WORKSPACE_ID is None else {"project": dxpy.WORKSPACE_ID}
    name = dxpy.api.record_describe(record_id, record_input).get("name")
    return str(name) + " (" + record_id + ")"


def render_execdepends(thing):
    """``execDepends`` entries as ``manager: name[ = version]`` (manager defaults to apt)."""
    rendered = []
    for dep in thing:
        version = " = " + dep["version"] if "version" in dep else ""
        rendered.append("%s: %s%s" % (dep.get("package_manager", "apt"), dep["name"], version))
    return rendered


def render_stage(title, stage, as_stage_of=None):
    """Print a workflow stage (and its execution, when it has run) under *title*. With
    *as_stage_of* (an analysis ID), an execution reused from another analysis is shown
    as cached."""
    name = stage.get("name")
    print_field(title, stage["id"] if name is None else "%s (%s)" % (name, stage["id"]))
    inaccessible = " (" + RED() + "inaccessible" + ENDC() + ")" if stage.get("accessible") is False else ""
    print_field("  Executable", stage["executable"] + inaccessible)
    execution = stage.get("execution")
    if execution is None:
        return
    cached_from = execution.get("parentAnalysis") if as_stage_of is not None else None
    is_cached = cached_from is not None and cached_from != as_stage_of
    shown_id = "[" + execution["id"] + "]" if is_cached else execution["id"]
    if "state" in execution:
        shown_id += " (" + JOB_STATES(execution["state"]) + ")"
    print_field("  Execution", shown_id)
    if is_cached:
        print_field("  Cached from", cached_from)


def _print_run_spec(run_spec):
    print_field("Interpreter", run_spec["interpreter"])
    if "resources" in run_spec:
        print_json_field("Resources", run_spec["resources"])
    if "bundledDepends" in run_spec:
        print_list_field("bundledDepends", render_bundleddepends(run_spec["bundledDepends"]))
    if "execDepends" in run_spec:
        print_list_field("execDepends", render_execdepends(run_spec["execDepends"]))
    if "systemRequirements" in run_spec:
        print_json_field("Sys Requirements", run_spec["systemRequirements"])


def _print_workflow_io(desc, verbose):
    """Input/output specs of a workflow, or its workflow-level inputs/outputs when it has
    them (a locked workflow). Returns whether it is locked."""
    if desc.get("inputSpec") is not None and desc.get("inputs") is None:
        print_nofill_field("Input Spec", get_io_spec(desc["inputSpec"], skip_fields=get_advanced_inputs(desc, verbose)))
    if desc.get("outputSpec") is not None and desc.get("outputs") is None:
        print_nofill_field("Output Spec", get_io_spec(desc["outputSpec"]))
    locked = desc.get("inputs") is not None
    if locked:
        print_nofill_field("Workflow Inputs", get_io_spec(desc["inputs"]))
    if desc.get("outputs") is not None:
        print_nofill_field("Workflow Outputs", get_io_spec(desc["outputs"]))
    return locked


def print_locked_workflow_note():
    print_field("Note", "This workflow has an explicit input specification (i.e. it is locked), "
                        "and as such stage inputs cannot be modified at run-time.")


# ---------------------------------------------------------------------------------------------
# Label/value lines

def print_field(label, value):
    """Print ``label`` then *value* wrapped in the value column (or after the delimiter)."""
    value = value if isinstance(value, str) else str(value)
    if get_delimiter() is not None:
        sys.stdout.write(label + get_delimiter() + value + "\n")
        return
    indent = " " * FIELD_NAME_WIDTH
    # Wrapped at 100 columns whatever the terminal: that is what dx prints.
    wrapped = fill(value, width=100, initial_indent=indent, subsequent_indent=indent).lstrip()
    sys.stdout.write(label + " " * (FIELD_NAME_WIDTH - len(label)) + wrapped + "\n")


def print_nofill_field(label, value):
    """Like :func:`print_field` but *value* is printed as is (it may hold newlines)."""
    sys.stdout.write(label + DELIMITER(" " * (FIELD_NAME_WIDTH - len(label))) + value + "\n")


def _list_text(values):
    """*values* comma-separated, or ``-`` when empty."""
    values = [value if isinstance(value, str) else str(value) for value in (values or [])]
    return DELIMITER(", ").join(values) if values else "-"


def _json_text(value):
    return json.dumps(value, ensure_ascii=False)


def _properties_text(properties):
    return _list_text([key + "=" + value for key, value in properties.items()])


def print_list_field(label, values):
    """*values* comma-separated, or ``-`` when empty."""
    print_field(label, _list_text(values))


def print_json_field(label, json_value):
    print_field(label, _json_text(json_value))


def _print_present(desc, rows):
    """For each row ``(field, label)`` or ``(field, label, render)`` whose field *desc* has,
    print *label* with the field's value (through *render* when given)."""
    for field, label, *render in rows:
        if field in desc:
            print_field(label, render[0](desc[field]) if render else desc[field])


def _print_unrecognized(desc, recognized):
    for field, value in desc.items():
        if field not in recognized:
            print_json_field(field, value)


def _print_tree_tat_threshold(desc):
    if "treeTurnaroundTimeThreshold" in desc:
        threshold = desc["treeTurnaroundTimeThreshold"]
        print_field("Tree TAT threshold", "-" if threshold is None else str(threshold))


# ---------------------------------------------------------------------------------------------
# Currency

def locale_from_currency_code(dx_code):
    """The locale (``en_US``, ``en_GB``) for a platform currency code, or None if unknown."""
    try:
        return {0: "en_US", 1: "en_GB"}.get(dx_code)
    except TypeError:  # an unhashable code is simply not a known one
        return None


def format_currency_from_meta(value, meta):
    """*value* with the currency symbol of *meta* (``{"symbol": "$", "symbolPosition": "left"}``)
    and two decimals with thousands separators: ``-$1,234.50``, ``12.00 €``."""
    position = meta["symbolPosition"]
    text = "-" if value < 0 else ""
    if position == "left":
        text += meta["symbol"]
    text += "{:,.2f}".format(abs(value))
    if position == "right":
        text += " " + meta["symbol"]
    return text


def format_currency(value, meta, currency_locale=None):
    """*value* as money: through the system locale for *currency_locale* (by default the one
    of ``meta["dxCode"]``) when that locale is installed, else from the symbol in *meta*.
    The process locale is left as it was."""
    if currency_locale is None:
        currency_locale = locale_from_currency_code(meta["dxCode"])
    if currency_locale is None:
        return format_currency_from_meta(value, meta)
    saved = locale.setlocale(locale.LC_ALL)
    try:
        locale.setlocale(locale.LC_ALL, currency_locale)
        return locale.currency(value, grouping=True)
    except locale.Error:  # that locale is not installed here
        return format_currency_from_meta(value, meta)
    finally:
        locale.setlocale(locale.LC_ALL, saved)


# ---------------------------------------------------------------------------------------------
# Whole descriptions

_PROJECT_FIELDS = frozenset([
    "id", "class", "name", "summary", "description", "protected", "restricted", "created", "modified",
    "dataUsage", "sponsoredDataUsage", "tags", "level", "folders", "objects", "permissions", "properties",
    "appCaches", "billTo", "version", "createdBy", "totalSponsoredEgressBytes", "consumedSponsoredEgressBytes",
    "containsPHI", "databaseUIViewOnly", "externalUploadRestricted", "region", "storageCost", "pendingTransfer",
    "atSpendingLimit", "currentMonthComputeAvailableBudget", "currentMonthEgressBytesAvailableBudget",
    "currentMonthStorageAvailableBudget", "currentMonthComputeUsage", "currentMonthEgressBytesUsage",
    "currentMonthExpectedStorageUsage", "defaultSymlink", "databaseResultsRestricted",
    # app containers
    "destroyAt", "project", "type", "app", "appName",
])


def _usage_of_budget(desc, usage_field, budget_field, render):
    usage, budget = desc.get(usage_field), desc.get(budget_field)
    if usage is None and budget is None:
        return "-"
    used = render(0 if usage is None else usage)
    if budget is None:
        return "%s of unlimited" % used
    return "%s of %s total" % (used, render(budget))


def print_project_desc(desc, verbose=False):
    """Print the describe hash of a project or container."""
    _check_desc(desc, ("id", "class", "created", "modified", "dataUsage"), "print_project_desc")
    _print_present(desc, (("id", "ID"), ("class", "Class"), ("name", "Name"), ("summary", "Summary")))
    if "description" in desc and (verbose or "summary" not in desc):
        print_field("Description", desc["description"])
    if "version" in desc and verbose:
        print_field("Version", str(desc["version"]))

    _print_present(desc, (("billTo", "Billed to", _strip_user_prefix),))
    if "pendingTransfer" in desc and (verbose or desc["pendingTransfer"] is not None):
        print_json_field("Pending transfer to", desc["pendingTransfer"])
    _print_present(desc, (("level", "Access level"), ("region", "Region")))

    for field, label, always in (("protected", "Protected", True), ("restricted", "Restricted", True),
                                 ("containsPHI", "Contains PHI", True),
                                 ("databaseUIViewOnly", "Database UI View Only", False),
                                 ("externalUploadRestricted", "External Upload Restricted", False)):
        if field in desc and (always or desc[field]):
            print_json_field(label, desc[field])
    if "defaultSymlink" in desc and verbose:
        print_json_field("Default Symlink", desc["defaultSymlink"])
    if desc.get("databaseResultsRestricted"):
        print_json_field("Database Results Restricted", desc["databaseResultsRestricted"])

    print_field("Created", render_timestamp(desc["created"]))
    if "createdBy" in desc:
        user = desc["createdBy"]["user"]
        print_field("Created by", user[user.find("-") + 1:])
    print_field("Last modified", render_timestamp(desc["modified"]))
    print_field("Data usage", "%.2f GB" % desc["dataUsage"])
    if "sponsoredDataUsage" in desc:
        print_field("Sponsored data", "%.2f GB" % desc["sponsoredDataUsage"])
    if "storageCost" in desc:
        print_field("Storage cost", "$%.3f/month" % desc["storageCost"])
    if "totalSponsoredEgressBytes" in desc or "consumedSponsoredEgressBytes" in desc:
        def gigabytes(field):
            return "%.2f GB" % (desc[field] / 1073741824.0) if field in desc else "??"
        print_field("Sponsored egress", "%s used of %s total" % (gigabytes("consumedSponsoredEgressBytes"),
                                                                 gigabytes("totalSponsoredEgressBytes")))

    def money(value):
        return format_currency(value, meta=desc["currency"])

    if "currentMonthComputeUsage" in desc:
        print_field("Compute usage for current month",
                    _usage_of_budget(desc, "currentMonthComputeUsage", "currentMonthComputeAvailableBudget", money))
    if "currentMonthEgressBytesUsage" in desc:
        print_field("Egress usage for current month",
                    _usage_of_budget(desc, "currentMonthEgressBytesUsage", "currentMonthEgressBytesAvailableBudget",
                                     lambda count: "%s Bytes" % (count,)))
    if "currentMonthExpectedStorageUsage" in desc:
        print_field("Expected storage usage for current month",
                    _usage_of_budget(desc, "currentMonthExpectedStorageUsage", "currentMonthStorageAvailableBudget",
                                     money))
    _print_present(desc, (
        ("atSpendingLimit", "At spending limit?", _json_text),
        ("objects", "# Files"),
        ("folders", "Folders", _list_text),
        ("permissions", "Permissions",
         lambda permissions: _list_text([_strip_user_prefix(who) + ":" + level for who, level in permissions.items()])),
        ("tags", "Tags", _list_text),
        ("properties", "Properties", _properties_text),
        ("appCaches", "App caches", _json_text),
        ("type", "Container type"),
        ("project", "Associated project"),
        ("destroyAt", "To be destroyed", render_timestamp),
        ("app", "Associated App ID"),
        ("appName", "Associated App"),
    ))
    _print_unrecognized(desc, _PROJECT_FIELDS)


_APP_FIELDS = frozenset([
    "id", "class", "name", "version", "aliases", "createdBy", "created", "modified", "deleted", "published",
    "title", "subtitle", "description", "categories", "access", "dxapi", "inputSpec", "outputSpec", "runSpec",
    "resources", "billTo", "installed", "openSource", "summary", "applet", "installs", "billing", "details",
    "developerNotes", "authorizedUsers", "treeTurnaroundTimeThreshold",
])


def _print_published_header(desc):
    """Lines shared by apps and global workflows, from billing down to modification."""
    print_field("ID", desc["id"])
    print_field("Class", desc["class"])
    if "billTo" in desc:
        print_field("Billed to", _strip_user_prefix(desc["billTo"]))
    print_field("Name", desc["name"])
    print_field("Version", desc["version"])
    print_list_field("Aliases", desc["aliases"])
    print_field("Created by", _strip_user_prefix(desc["createdBy"]))
    print_field("Created", render_timestamp(desc["created"]))
    print_field("Last modified", render_timestamp(desc["modified"]))


def _print_publication(desc):
    published = desc.get("published")
    print_field("Published", "-" if published is None or published < 0 else render_timestamp(published))
    for field, label in (("title", "Title"), ("subtitle", "Subtitle"), ("summary", "Summary")):
        if desc.get(field) is not None:
            print_field(label, desc[field])
    print_list_field("Categories", desc["categories"])


def print_app_desc(desc, verbose=False):
    """Print the describe hash of an app."""
    _check_desc(desc, ("id", "class", "name", "version", "aliases", "createdBy", "created", "modified",
                       "applet", "installed", "openSource", "deleted"), "print_app_desc")
    _print_published_header(desc)
    print_field("Created from", desc["applet"])
    _print_tree_tat_threshold(desc)
    print_json_field("Installed", desc["installed"])
    print_json_field("Open source", desc["openSource"])
    print_json_field("Deleted", desc["deleted"])
    if not desc["deleted"]:
        details = desc.get("details")
        hidden_inputs = []
        if isinstance(details, dict) and "advancedInputs" in details:
            if not verbose:
                hidden_inputs = details["advancedInputs"]
            # The list of advanced inputs is a display hint, not a detail worth showing.
            details = dict((key, value) for key, value in details.items() if key != "advancedInputs")
        _print_publication(desc)
        if "details" in desc:
            print_json_field("Details", details)
        print_json_field("Access", desc["access"])
        print_field("API version", desc["dxapi"])
        if "inputSpec" in desc:
            print_nofill_field("Input Spec", get_io_spec(desc["inputSpec"], skip_fields=hidden_inputs))
            print_nofill_field("Output Spec", get_io_spec(desc["outputSpec"]))
            _print_run_spec(desc["runSpec"])
        if "resources" in desc:
            print_field("Resources", desc["resources"])
    if "installs" in desc:
        print_field("# Installs", str(desc["installs"]))
    if "authorizedUsers" in desc:
        print_list_field("AuthorizedUsers", desc["authorizedUsers"])
    _print_unrecognized(desc, _APP_FIELDS)


_GLOBALWORKFLOW_FIELDS = frozenset([
    "id", "class", "name", "version", "aliases", "createdBy", "created", "modified", "deleted", "published",
    "title", "description", "categories", "dxapi", "billTo", "summary", "billing", "developerNotes",
    "authorizedUsers", "regionalOptions", "treeTurnaroundTimeThreshold",
])


def print_globalworkflow_desc(desc, verbose=False):
    """Print the describe hash of a global workflow, with the inputs, outputs and stages of
    its workflow in the region of the current workspace (found with a project describe)."""
    _check_desc(desc, ("id", "class", "name", "version", "aliases", "createdBy", "created", "modified"),
                "print_globalworkflow_desc")
    locked = False
    _print_published_header(desc)
    _print_tree_tat_threshold(desc)
    deleted = desc.get("deleted", False)
    print_json_field("Deleted", deleted)
    if not deleted:
        _print_publication(desc)
        if "details" in desc:
            print_json_field("Details", desc["details"])
        print_field("API version", desc["dxapi"])
        if dxpy.WORKSPACE_ID:
            region = dxpy.api.project_describe(dxpy.WORKSPACE_ID,
                                               input_params={"fields": {"region": True}}).get("region")
            regional = desc.get("regionalOptions") or {}
            if region and region in regional:
                workflow_desc = regional[region]["workflowDescribe"]
                print_field("Workflow region", region)
                if "id" in workflow_desc:
                    print_field("Workflow ID", workflow_desc["id"])
                locked = _print_workflow_io(workflow_desc, verbose)
                for number, stage in enumerate(workflow_desc.get("stages", [])):
                    render_stage("Stage " + str(number), stage)
    if "authorizedUsers" in desc:
        print_list_field("AuthorizedUsers", desc["authorizedUsers"])
    if locked:
        print_locked_workflow_note()
    _print_unrecognized(desc, _GLOBALWORKFLOW_FIELDS)


def get_col_str(col_desc):
    """A table column as ``name (type)``."""
    return col_desc["name"] + DELIMITER(" (") + col_desc["type"] + DELIMITER(")")


_DATA_OBJECT_FIELDS = frozenset([
    "id", "class", "project", "folder", "name", "properties", "tags", "types", "hidden", "details", "links",
    "created", "modified", "state", "title", "subtitle", "description", "inputSpec", "outputSpec", "runSpec",
    "summary", "dxapi", "access", "createdBy", "sponsored", "developerNotes", "stages", "inputs", "outputs",
    "latestAnalysis", "editVersion", "outputFolder", "initializedFrom", "temporary", "treeTurnaroundTimeThreshold",
])


def print_data_obj_desc(desc, verbose=False):
    """Print the describe hash of a data object (file, record, applet, workflow, ...)."""
    _check_desc(desc, ("id", "class", "name", "created", "modified"), "print_data_obj_desc")
    _print_present(desc, (
        ("id", "ID"),
        ("class", "Class"),
        ("project", "Project"),
        ("folder", "Folder"),
        ("name", "Name"),
        ("state", "State", DATA_STATES),
        ("hidden", "Visibility", lambda hidden: "hidden" if hidden else "visible"),
        ("types", "Types", _list_text),
        ("properties", "Properties", _properties_text),
        ("tags", "Tags", _list_text),
    ))
    if verbose and "details" in desc:
        print_json_field("Details", desc["details"])
    _print_present(desc, (("links", "Outgoing links", _list_text),))
    print_field("Created", render_timestamp(desc["created"]))
    if "createdBy" in desc:
        created_by = desc["createdBy"]
        print_field("Created by", created_by["user"][5:])
        if "job" in created_by:
            print_field(" via the job", created_by["job"])
            if verbose and "executable" in created_by:
                print_field(" running", created_by["executable"])
    print_field("Last modified", render_timestamp(desc["modified"]))
    _print_present(desc, (("editVersion", "Edit Version"),))
    # A workflow whose title was never set (or was unset) has a null one: no line for it.
    _print_present({field: desc[field] for field in ("title", "subtitle") if desc.get(field) is not None},
                   (("title", "Title"), ("subtitle", "Subtitle")))
    _print_present(desc, (("summary", "Summary"),))
    if "description" in desc and verbose:
        print_field("Description", desc["description"])
    _print_present(desc, (("outputFolder", "Output Folder", lambda folder: "-" if folder is None else folder),))
    _print_tree_tat_threshold(desc)
    _print_present(desc, (("access", "Access", _json_text), ("dxapi", "API version")))

    locked = _print_workflow_io(desc, verbose)
    if "runSpec" in desc:
        _print_run_spec(desc["runSpec"])
    for number, stage in enumerate(desc.get("stages") or []):
        render_stage("Stage " + str(number), stage)
    if "initializedFrom" in desc:
        print_field("initializedFrom", desc["initializedFrom"]["id"])
    latest = desc.get("latestAnalysis")
    if latest is not None:
        print_field("Last execution", latest["id"])
        print_field("  run at", render_timestamp(latest["created"]))
        print_field("  state", JOB_STATES(latest["state"]))

    for field, value in desc.items():
        if field in _DATA_OBJECT_FIELDS:
            continue
        if field == "media":
            print_field("Media type", value)
        elif field == "size":
            if desc["class"] == "file":
                sponsored = DELIMITER(", ") + "sponsored by DNAnexus" if desc.get("sponsored") else ""
                print_field("Size", get_size_str(value) + sponsored)
            else:
                print_field("Size", str(value))
        elif field == "length":
            print_field("Length", str(value))
        elif field == "columns":
            _print_columns(value)
        else:
            print_json_field(field, value)
    if locked:
        print_locked_workflow_note()


def _print_columns(columns):
    if not columns:
        print_list_field("Columns", columns)
        return
    label = "Columns"
    lines = [label + DELIMITER(" " * (16 - len(label))) + get_col_str(columns[0])]
    lines += [DELIMITER(" " * 16) + get_col_str(column) for column in columns[1:]]
    print("\n".join(lines))


def printable_ssh_host_key(ssh_host_key):
    """The fingerprint line of an SSH host key (from ``ssh-keygen -l``), or the key itself
    when ssh-keygen is not available or does not understand it."""
    import subprocess
    try:
        keygen = subprocess.run(["ssh-keygen", "-lf", "/dev/stdin"], input=ssh_host_key.encode(),
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except OSError:
        return ssh_host_key.strip()
    fingerprint = keygen.stdout.decode(errors="replace").replace(" no comment", "").strip()
    if keygen.returncode != 0 or not fingerprint:
        return ssh_host_key.strip()
    return fingerprint


_EXECUTION_FIELDS = frozenset([
    "id", "try", "class", "project", "workspace", "region", "app", "applet", "executable", "workflow", "state",
    "rootExecution", "parentAnalysis", "parentJob", "parentJobTry", "originJob", "analysis", "stage",
    "function", "runInput", "originalInput", "input", "output", "folder", "launchedBy", "created", "modified",
    "failureReason", "failureMessage", "stdout", "stderr", "waitingOnChildren", "dependsOn", "resources",
    "projectCache", "details", "tags", "properties", "name", "instanceType", "systemRequirements",
    "executableName", "failureFrom", "billTo", "tryCreated", "startedRunning", "stoppedRunning",
    "stateTransitions", "delayWorkspaceDestruction", "stages", "totalPrice", "isFree", "invoiceMetadata",
    "priority", "sshHostKey", "internetUsageIPs", "spotWaitTime", "maxTreeSpotWaitTime", "maxJobSpotWaitTime",
    "spotCostSavings", "preserveJobOutputs", "treeTurnaroundTime", "selectedTreeTurnaroundTimeThreshold",
    "selectedTreeTurnaroundTimeThresholdFrom", "runSystemRequirements", "runSystemRequirementsByExecutable",
    "mergedSystemRequirementsByExecutable", "runStageSystemRequirements",
])


def _print_execution_io(desc):
    original = desc.get("originalInput") or {}
    if "runInput" in desc:
        run_input = desc["runInput"] or {}
        defaults = dict((key, value) for key, value in original.items() if key not in run_input)
        print_nofill_field("Input", get_io_field(run_input, defaults=defaults))
        given = run_input
    else:
        print_nofill_field("Input", get_io_field(desc.get("originalInput")))
        given = original
    resolved = {}
    for key, value in (desc.get("input") or {}).items():
        if key in given and value != given[key]:
            get_resolved_jbors(value, given[key], resolved)
    if resolved:
        print_nofill_field("Resolved JBORs", get_io_field(resolved, delim=GREEN() + "=>" + ENDC()))
    print_nofill_field("Output", get_io_field(desc.get("output")))


def _print_execution_times(desc):
    print_field("Created", render_timestamp(desc["created"]))
    if desc.get("tryCreated") is not None:
        print_field("Try created", render_timestamp(desc["tryCreated"]))
    started, stopped = desc.get("startedRunning"), desc.get("stoppedRunning")
    if "startedRunning" in desc:
        text = render_timestamp(started)
        if "stoppedRunning" not in desc:
            text += " (running for %s)" % _duration(int(time.time()) - started // 1000)
        print_field("Started running", text)
    if "stoppedRunning" in desc:
        text = render_timestamp(stopped)
        if started is not None:
            text += " (Runtime: %s)" % _duration((stopped - started) // 1000)
        print_field("Stopped running", text)
    transitions = desc.get("stateTransitions")
    if desc.get("class") == "analysis" and transitions:
        last = transitions[-1]
        if last.get("newState") in ("done", "failed", "terminated"):
            print_field("Finished", "%s (Wall-clock time: %s)" % (
                render_timestamp(last["setAt"]), _duration((last["setAt"] - desc["created"]) // 1000)))
    print_field("Last modified", render_timestamp(desc["modified"]))


def _print_rerun_origin(desc, cloned):
    """The ``Re-run of`` block of an execution started with ``dx run --clone``; what
    differs from the original run is shown in yellow."""
    print_field("Re-run of", cloned["id"])
    print_field(" named", cloned["name"])
    same_executable = cloned["executable"] == desc.get("applet", desc.get("app", ""))
    if same_executable:
        print_field(" using", cloned["executable"] + " (same)")
    else:
        print_field(" using", YELLOW() + cloned["executable"] + ENDC())
    same_project = cloned["project"] == desc["project"]
    same_folder = not same_project or cloned["folder"] == desc.get("folder")
    project_text = cloned["project"] if same_project else YELLOW() + cloned["project"] + ENDC()
    if same_project and same_folder:
        folder_text = cloned["folder"] + " (same)"
    elif same_folder:
        folder_text = cloned["folder"]
    else:
        folder_text = YELLOW() + cloned["folder"] + ENDC()
    print_field(" output folder", project_text + ":" + folder_text)
    run_input = cloned.get("runInput") or {}
    current_input = desc.get("runInput") or {}
    missing = object()
    changed = [key for key, value in run_input.items() if current_input.get(key, missing) != value]
    print_nofill_field(" input", get_io_field(run_input, highlight_fields=changed))
    sys_reqs = cloned.get("systemRequirements")
    if isinstance(sys_reqs, dict):
        if sys_reqs == desc.get("systemRequirements"):
            print_nofill_field(" sys reqs", json.dumps(sys_reqs) + " (same)")
        else:
            print_nofill_field(" sys reqs", YELLOW() + json.dumps(sys_reqs) + ENDC())


def print_execution_desc(desc, verbose=False):
    """Print the describe hash of a job or an analysis."""
    _check_desc(desc, ("id", "class", "project", "state", "launchedBy", "created", "modified"),
                "print_execution_desc")
    print_field("ID", desc["id"])
    if desc.get("try") is not None:
        print_field("Try", str(desc["try"]))
    print_field("Class", desc["class"])
    if desc.get("name") is not None:
        print_field("Job name", desc["name"])
    if desc.get("executableName") is not None:
        print_field("Executable name", desc["executableName"])
    _print_present(desc, (("project", "Project context"), ("region", "Region"),
                          ("billTo", "Billed to", _strip_user_prefix), ("workspace", "Workspace")))
    if "projectCache" in desc:
        print_field("Cache workspace", desc["projectCache"])
        print_field("Resources", desc.get("resources", "-"))
    executable = desc.get("executable")
    if "app" in desc:
        print_field("App", desc["app"])
    elif isinstance(executable, str) and executable.startswith("globalworkflow"):
        print_field("Workflow", executable)
    elif "applet" in desc:
        print_field("Applet", desc["applet"])
    elif "workflow" in desc:
        print_field("Workflow", desc["workflow"]["id"])
    if desc.get("instanceType") is not None:
        print_field("Instance Type", desc["instanceType"])
    _print_present(desc, (("priority", "Priority"), ("state", "State", JOB_STATES),
                          ("rootExecution", "Root execution"),
                          ("originJob", "Origin job", lambda job: "-" if job is None else job)))
    print_field("Parent job", "-" if desc.get("parentJob") is None else desc["parentJob"])
    if desc.get("parentJobTry") is not None:
        print_field("Parent job try", str(desc["parentJobTry"]))
    if desc.get("parentAnalysis") is not None:
        print_field("Parent analysis", desc["parentAnalysis"])
    if desc.get("analysis") is not None:
        print_field("Analysis", desc["analysis"])
        print_field("Stage", desc["stage"])
    if "stages" in desc:
        for number, (stage, analysis_stage) in enumerate(zip(desc["workflow"]["stages"], desc["stages"])):
            stage = dict(stage, execution=analysis_stage["execution"])
            render_stage("Stage " + str(number), stage, as_stage_of=desc["id"])
    _print_present(desc, (("function", "Function"),))
    _print_execution_io(desc)
    _print_present(desc, (("folder", "Output folder"),))
    preserved = desc.get("preserveJobOutputs")
    print_field("Preserve Job Outputs Folder",
                preserved["folder"] if isinstance(preserved, dict) and "folder" in preserved else "-")
    print_field("Launched by", desc["launchedBy"][5:])
    _print_execution_times(desc)
    _print_present(desc, (("waitingOnChildren", "Pending subjobs", _list_text), ("dependsOn", "Depends on", _list_text),
                          ("failureReason", "Failure reason"), ("failureMessage", "Failure message")))
    failure_from = desc.get("failureFrom")
    if failure_from is not None and failure_from["id"] != desc["id"]:
        text = failure_from["id"]
        if failure_from.get("try") is not None:
            text += " try %d" % failure_from["try"]
        print_field("Failure is from", text)
    _print_present(desc, (("tags", "Tags", _list_text), ("properties", "Properties", _properties_text)))
    details = desc.get("details")
    if isinstance(details, dict) and isinstance(details.get("clonedFrom"), dict) and "id" in details["clonedFrom"]:
        _print_rerun_origin(desc, details["clonedFrom"])
    if not desc.get("isFree") and desc.get("totalPrice") is not None:
        print_field("Total Price", format_currency(desc["totalPrice"], meta=desc["currency"]))
    if desc.get("spotCostSavings") is not None:
        print_field("Spot Cost Savings", format_currency(desc["spotCostSavings"], meta=desc["currency"]))
    for field, label in (("spotWaitTime", "Spot Wait Time"), ("maxTreeSpotWaitTime", "Max Tree Spot Wait Time"),
                         ("maxJobSpotWaitTime", "Max Job Spot Wait Time")):
        if desc.get(field) is not None:
            print_field(label, format_timedelta(desc[field], in_seconds=True))
    if desc.get("invoiceMetadata"):
        print_json_field("Invoice Metadata", desc["invoiceMetadata"])
    if desc.get("sshHostKey"):
        print_nofill_field("SSH Host Key", printable_ssh_host_key(desc["sshHostKey"]))
    _print_present(desc, (
        ("internetUsageIPs", "Internet Usage IPs", _json_text),
        ("treeTurnaroundTime", "Tree TAT"),
        ("selectedTreeTurnaroundTimeThreshold", "Selected tree TAT threshold"),
        ("selectedTreeTurnaroundTimeThresholdFrom", "Selected tree TAT from"),
        ("systemRequirements", "Sys Requirements", _json_text),
        ("runSystemRequirements", "Run Sys Reqs", _json_text),
        ("runSystemRequirementsByExecutable", "Run Sys Reqs by Exec", _json_text),
        ("mergedSystemRequirementsByExecutable", "Merged Sys Reqs By Exec", _json_text),
        ("runStageSystemRequirements", "Run Stage Sys Reqs", _json_text),
    ))
    _print_unrecognized(desc, _EXECUTION_FIELDS)


def print_user_desc(desc):
    """Print the describe hash of a user."""
    _check_desc(desc, ("id",), "print_user_desc")
    print_field("ID", desc["id"])
    if "first" in desc and "middle" in desc and "last" in desc:
        names = [desc["first"]] + ([desc["middle"]] if desc["middle"] != "" else []) + [desc["last"]]
        print_field("Name", " ".join(names))
    _print_present(desc, (("email", "Email"), ("billTo", "Default bill to"),
                          ("appsInstalled", "Apps installed", _list_text)))


def print_generic_desc(desc):
    """Print every field of *desc* as JSON (orgs, teams)."""
    _check_desc(desc, (), "print_generic_desc")
    for field, value in desc.items():
        print_json_field(field, value)


def print_desc(desc, verbose=False):
    """Print the describe hash of any DNAnexus entity in the layout of ``dx describe``
    (chosen by its ``class``, or by the prefix of its ID when it has no class)."""
    _check_desc(desc, (), "print_desc")
    klass = desc.get("class")
    if not klass:
        if not _is_hashid(desc.get("id")):
            raise KeyError("print_desc: the describe hash has no 'class' field and its id %r does not tell it"
                           % (desc.get("id"),))
        klass = desc["id"].split("-", 1)[0]
        desc = dict(desc)
        desc["class"] = klass
    if klass in ("project", "workspace", "container"):
        print_project_desc(desc, verbose=verbose)
    elif klass == "app":
        print_app_desc(desc, verbose=verbose)
    elif klass == "globalworkflow":
        print_globalworkflow_desc(desc, verbose=verbose)
    elif klass in ("job", "analysis"):
        print_execution_desc(desc, verbose=verbose)
    elif klass == "user":
        print_user_desc(desc)
    elif klass in ("org", "team"):
        print_generic_desc(desc)
    else:
        print_data_obj_desc(desc, verbose=verbose)


# ---------------------------------------------------------------------------------------------
# dx ls

def get_ls_desc(desc, print_id=False):
    """The name of an object as ``dx ls`` shows it (executables in bold green), followed by
    `` : ID`` when *print_id* is True."""
    _check_desc(desc, ("class", "name") + (("id",) if print_id is True else ()), "get_ls_desc")
    suffix = " : " + desc["id"] if print_id is True else ""
    if desc["class"] in ("applet", "workflow"):
        return BOLD() + GREEN() + desc["name"] + ENDC() + suffix
    return desc["name"] + suffix


def print_ls_desc(desc, **kwargs):
    print(get_ls_desc(desc, **kwargs))


def get_ls_l_header():
    """The bold header line of ``dx ls -l``."""
    return (BOLD() + "State" + DELIMITER("   ") + "Last modified" + DELIMITER("       ") + "Size"
            + DELIMITER("      ") + "Name" + DELIMITER(" (") + "ID" + DELIMITER(")") + ENDC())


def print_ls_l_header():
    print(get_ls_l_header())


def get_ls_l_desc_fields():
    """The describe fields :func:`get_ls_l_desc` reads (as a describe ``fields`` input)."""
    return dict((field, True) for field in ("id", "class", "folder", "length", "modified", "name", "project",
                                            "size", "state"))


def get_ls_l_desc(desc, include_folder=False, include_project=False):
    """One line of ``dx ls -l``: state, modification time, size, name and ID. *desc* needs
    the fields of :func:`get_ls_l_desc_fields`."""
    required = ("id", "class", "name", "modified") + (("folder",) if include_folder else ()) \
        + (("project",) if include_project else ())
    _check_desc(desc, required, "get_ls_l_desc")
    state = desc.get("state")
    if state is None:
        state_text, state_len = "", 0
    else:
        state_text = (GREEN() if state == "closed" else YELLOW()) + state + ENDC()
        state_len = len(state)
    name = desc["name"]
    if include_folder:
        folder = desc["folder"]
        name = folder + ("" if folder == "/" else "/") + name
    if desc["class"] in ("applet", "workflow"):
        name = BOLD() + GREEN() + name + ENDC()
    size = ""
    if "size" in desc and desc["class"] == "file":
        size = get_size_str(desc["size"])
    elif "length" in desc:
        size = str(desc["length"]) + " rows"
    project = desc["project"] + DELIMITER(":") if include_project else ""
    return (state_text + DELIMITER(" " * (8 - state_len)) + render_short_timestamp(desc["modified"])
            + DELIMITER(" ") + size + DELIMITER(" " * max(0, 9 - len(size)) + " ") + name
            + DELIMITER(" (") + project + desc["id"] + DELIMITER(")"))


def print_ls_l_desc(desc, **kwargs):
    print(get_ls_l_desc(desc, **kwargs))


# ---------------------------------------------------------------------------------------------
# dx find executions

def _runtime_note(desc):
    """``runtime H:MM:SS`` or ``running for H:MM:SS`` for a job that has started, else None."""
    started = desc.get("startedRunning")
    if desc["class"] != "job" or not started:
        return None
    if desc["state"] in ("done", "failed", "terminated", "waiting_on_output") and desc.get("stoppedRunning"):
        return "runtime " + _duration(int(desc["stoppedRunning"] - started) // 1000)
    if desc["state"] == "running":
        return "running for " + _duration(max(int(time.time() - started // 1000), 0))
    return None


def get_find_executions_string(desc, has_children, single_result=False, show_outputs=True,
                               is_cached_result=False, show_try=False, as_try_group_root=False):
    """An execution as ``dx find executions`` lists it: name, state and ID, then who launched
    it and when (with its runtime), then its output or failure. *has_children* draws the tree
    line down to its children; *single_result* shows a subjob like a top-level execution;
    *is_cached_result* marks it as reused from another analysis; *show_try* adds the try
    number; *as_try_group_root* gives only the first line, as the head of a group of tries."""
    required = ("id", "class", "state", "executableName", "launchedBy", "created", "parentJob")
    _check_desc(desc, required, "get_find_executions_string")
    if desc["class"] == "job":
        _check_desc(desc, ("function",), "get_find_executions_string")
    top_level = desc["parentJob"] is None or desc["class"] == "analysis" or single_result
    canonical_name = desc["executableName"]
    if desc["class"] == "job":
        canonical_name += ":" + desc["function"]
    name = desc.get("name")
    if name is None:
        name = "<no name>"

    text = "* " if top_level and get_delimiter() is None else ""
    if is_cached_result:
        text += BOLD() + "[" + ENDC()
    text += BOLD() + BLUE() + (UNDERLINE() if desc["class"] == "analysis" else "") + name + ENDC()
    if canonical_name not in (name, name + ":main"):
        text += " (" + canonical_name + ")"
    if is_cached_result:
        text += BOLD() + "]" + ENDC()
    text += DELIMITER(" (") + JOB_STATES(desc["state"]) + DELIMITER(") ") + desc["id"]
    if as_try_group_root:
        return text + " tries"
    if show_try and desc.get("try") is not None:
        text += " try %d" % desc["try"]

    # Continuation lines: under a top-level execution, draw the tree line to its children.
    prefix = DELIMITER("\n" + ("" if not top_level else "│ " if has_children else "  "))
    text += prefix + desc["launchedBy"][5:] + DELIMITER(" ") + render_short_timestamp(desc["created"])
    notes = [YELLOW() + "cached" + ENDC()] if is_cached_result else []
    runtime = _runtime_note(desc)
    if runtime:
        notes.append(runtime)
    if notes:
        text += " (" + ", ".join(notes) + ")"

    if show_outputs:
        if desc.get("output") is not None:
            text += job_output_to_str(desc["output"], prefix=prefix)
        elif desc["state"] == "failed" and "failureReason" in desc:
            message = fill(desc.get("failureMessage", ""), subsequent_indent=prefix.lstrip("\n"))
            text += prefix + BOLD() + desc["failureReason"] + ENDC() + ": " + message
    return text
