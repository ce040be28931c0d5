"""Turn the paths users type into project, folder and object IDs.

A path has the form ``project-ID-or-name:folder/path/to/name``. Special characters in
project, folder and object names are escaped with a backslash (``my\\:project:a\\/b`` is
the object "a/b" in the project "my:project"). Without a colon a path is relative to the
current project (``dxpy.WORKSPACE_ID``) and its current folder (``DX_CLI_WD``, default
"/"). ``job-xxxx:field`` names the output *field* of a finished job, and IDs such as
``file-xxxx`` stand for themselves.

Resolution problems raise :class:`ResolutionError` naming the path. Where several
candidates match and only one is wanted, an interactive terminal (``INTERACTIVE_CLI``) is
asked to pick; otherwise the error is raised at once, so nothing ever waits for input that
cannot come.
"""
import os
import re
import sys

import dxpy
from ..compat import basestring
from ..exceptions import DXCLIError, DXError


def _stdio_is_terminal():
    try:
        return bool(sys.stdin and sys.stdin.isatty() and sys.stdout and sys.stdout.isatty())
    except (AttributeError, ValueError):  # replaced or closed streams
        return False


INTERACTIVE_CLI = _stdio_is_terminal()

# Project name -> ID. Names are looked up once per process, as project names rarely change.
cached_project_names = {}


class ResolutionError(DXError):
    """A path could not be resolved to what was asked for; ``msg`` says why."""

    def __init__(self, msg):
        super(ResolutionError, self).__init__(msg)
        self.msg = msg

    def __str__(self):
        return self.msg


from ..cli import try_call  # noqa: E402,F401 (dxpy's name here too)


def __getattr__(name):
    # The ls -l formatter lives with the other describe renderers; load it only when asked.
    if name == "get_ls_l_desc":
        try:
            from .describe import get_ls_l_desc
        except ImportError as e:
            raise AttributeError("module %r has no attribute %r (%s)" % (__name__, name, e))
        return get_ls_l_desc
    raise AttributeError("module %r has no attribute %r" % (__name__, name))


# ---------------------------------------------------------------------------
# Picking one of several candidates

def pick(choices, default=None, str_choices=None, prompt=None, allow_mult=False, more_choices=False):
    """Ask on the terminal for one of *choices* (strings, listed with their index) and return
    its index; ``"*"`` when *allow_mult* and the user asks for all, ``"m"`` when
    *more_choices* and the user asks for more. *default* (an index) answers an empty line;
    *str_choices* are aliases the user may type instead of an index. A single choice is
    returned without asking. EOFError and KeyboardInterrupt from the input propagate.
    """
    if not choices:
        raise ValueError("pick needs at least one choice")
    if len(choices) == 1:
        return 0
    for index, choice in enumerate(choices):
        label = "%d) " % index
        print(label + ("\n" + " " * len(label)).join(str(choice).split("\n")))
    if more_choices:
        print("m) More options not shown...")
    print("")
    if prompt is None:
        prompt = "Pick a numbered choice"
        if allow_mult:
            prompt += ' or "*" for all'
        elif more_choices:
            prompt += ' or "m" for more options'
        if default is not None:
            prompt += " [%s]" % default
        prompt += ": "
    while True:
        try:
            answer = input(prompt)
        except (EOFError, KeyboardInterrupt):
            print("")
            raise
        if answer == "" and default is not None:
            return default
        if (allow_mult and answer == "*") or (more_choices and answer == "m"):
            return answer
        if str_choices is not None and answer in str_choices:
            return list(str_choices).index(answer)
        try:
            index = int(answer)
        except ValueError:
            index = -1
        if 0 <= index < len(choices):
            return index
        print("Not a valid selection")


def paginate_and_pick(generator, render_fn=str, filter_fn=None, page_len=10, **pick_opts):
    """Show the items of *generator* (those passing *filter_fn*) *page_len* at a time with
    :func:`pick` and return the one picked; ``"none found"`` when there are none and
    ``"none picked"`` when the user gives up."""
    items = iter(generator)
    any_results = False
    while True:
        page = []
        while len(page) < page_len:
            item = next(items, None)
            if item is None:
                break
            any_results = True
            if filter_fn is None or filter_fn(item):
                page.append(item)
        if not any_results:
            return "none found"
        if not page:
            return "none picked"
        try:
            choice = pick([render_fn(item) for item in page], more_choices=(len(page) == page_len), **pick_opts)
        except KeyboardInterrupt:
            return "none picked"
        if choice != "m":
            return page[choice]


# ---------------------------------------------------------------------------
# What kind of string is it?

data_obj_pattern = re.compile('^(record|applet|file|workflow|database)-[0-9A-Za-z]{24}$')
hash_pattern = re.compile('^(record|app|applet|workflow|globalworkflow|job|analysis|project|container|file|database)'
                          '-[0-9A-Za-z]{24}$')
nohash_pattern = re.compile('^(user|org|app|globalworkflow|team)-')
jbor_pattern = re.compile('^(job|analysis)-[0-9A-Za-z]{24}:[a-zA-Z_][0-9a-zA-Z_]*$')


def is_hashid(string):
    """True for an ID made of a class and 24 characters, such as ``file-xxxx``."""
    return hash_pattern.match(string) is not None


def is_data_obj_id(string):
    return data_obj_pattern.match(string) is not None


def is_container_id(string):
    return is_hashid(string) and string.startswith(("project-", "container-"))


def is_project_id(string):
    return is_hashid(string) and string.startswith("project-")


def is_analysis_id(string):
    return is_hashid(string) and string.startswith("analysis-")


def is_job_id(string):
    return is_hashid(string) and string.startswith("job-")


def is_localjob_id(thing):
    """True for the ``localjob-N`` IDs of locally run apps (outside a real job only)."""
    return os.environ.get("DX_JOB_ID") is None and thing.startswith("localjob-")


def is_nohash_id(string):
    """True for named IDs such as ``user-alice``, ``org-x`` or ``app-bwa``."""
    return nohash_pattern.match(string) is not None


def is_glob_pattern(string):
    """True when *string* has an unescaped ``*`` or ``?``."""
    return get_last_pos_of_char("*", string) >= 0 or get_last_pos_of_char("?", string) >= 0


def is_jbor_str(string):
    """True for a job-based object reference such as ``job-xxxx:output_field``."""
    return jbor_pattern.match(string) is not None


def _maybe_convert_stringified_dxlink(path):
    """``{"$dnanexus_link": "file-x"}`` -> ``file-x``; with a project, ``project-y:file-x``."""
    if not path.lstrip().startswith("{"):
        return path
    import json
    try:
        value = json.loads(path)
    except ValueError:
        return path
    link = value.get("$dnanexus_link") if isinstance(value, dict) else None
    if isinstance(link, basestring):
        return link
    if isinstance(link, dict) and isinstance(link.get("project"), basestring) \
            and isinstance(link.get("id"), basestring):
        return link["project"] + ":" + link["id"]
    return path


def is_project_explicit(path):
    """True when *path* ties the object to a project: anything but a bare object ID."""
    return not is_hashid(_maybe_convert_stringified_dxlink(path))


def object_exists_in_project(obj_id, proj_id):
    """True when the data object *obj_id* is in the container *proj_id*, False when it is
    in none or another one. Errors other than "not found" are raised."""
    if not isinstance(obj_id, basestring):
        raise ValueError("Expected obj_id to be a string, not %r" % (obj_id,))
    if not isinstance(proj_id, basestring):
        raise ValueError("Expected proj_id to be a string, not %r" % (proj_id,))
    if not is_container_id(proj_id):
        raise ValueError("Expected %r to be a container ID" % (proj_id,))
    from ..exceptions import ResourceNotFound
    try:
        desc = dxpy.DXHTTPRequest("/" + obj_id + "/describe", {"project": proj_id}, always_retry=True)
    except ResourceNotFound:
        return False
    return desc.get("project") == proj_id


# ---------------------------------------------------------------------------
# Escaping: backslash before the characters the shell or the path syntax treats specially

_FOLDER_SPECIALS = "#?*: ;&`\"'!$(){[<>|~"
_NAME_SPECIALS = _FOLDER_SPECIALS + "/"
_FOLDER_SPECIAL_RE = re.compile("[" + re.escape(_FOLDER_SPECIALS) + "]")
_NAME_SPECIAL_RE = re.compile("[" + re.escape(_NAME_SPECIALS) + "]")
_ESCAPED_CHAR_RE = re.compile(r"\\(.)", re.DOTALL)


def escaper(match):
    """``re.sub`` callback: the matched text with a backslash in front."""
    return "\\" + match.group(0)


def unescaper(match):
    """``re.sub`` callback for a two-character ``\\x`` match: the ``x``."""
    return match.group(0)[1]


def escape_folder_str(string):
    """Escape a folder name for use in a path ("/" stays a separator)."""
    return _FOLDER_SPECIAL_RE.sub(escaper, string.replace("\\", "\\\\"))


def escape_name_str(string):
    """Escape an object or project name for use in a path ("/" is escaped too)."""
    return _NAME_SPECIAL_RE.sub(escaper, string.replace("\\", "\\\\"))


def _unescape(string, specials):
    def replace(match):
        char = match.group(1)
        return unescaper(match) if char == "\\" or char in specials else match.group(0)
    return _ESCAPED_CHAR_RE.sub(replace, string)


def unescape_folder_str(string):
    return _unescape(string, _FOLDER_SPECIALS)


def unescape_name_str(string):
    return _unescape(string, _NAME_SPECIALS)


def _unescaped_positions(char, string):
    """Indexes of *char* in *string* that are not preceded by an odd number of backslashes."""
    positions = []
    start = string.find(char)
    while start >= 0:
        backslashes = 0
        while start - backslashes > 0 and string[start - backslashes - 1] == "\\":
            backslashes += 1
        if backslashes % 2 == 0:
            positions.append(start)
        start = string.find(char, start + 1)
    return positions


def get_last_pos_of_char(char, string):
    """Index of the last unescaped *char* in *string*, or -1."""
    positions = _unescaped_positions(char, string)
    return positions[-1] if positions else -1


def get_first_pos_of_char(char, string):
    """Index of the first unescaped *char* in *string*, or -1."""
    positions = _unescaped_positions(char, string)
    return positions[0] if positions else -1


def split_unescaped(char, string, include_empty_strings=False):
    """Split *string* at every unescaped *char*; empty pieces are dropped unless
    *include_empty_strings*. Escapes are kept in the pieces."""
    pieces = []
    start = 0
    for position in _unescaped_positions(char, string):
        pieces.append(string[start:position])
        start = position + len(char)
    pieces.append(string[start:])
    if include_empty_strings:
        return pieces
    return [piece for piece in pieces if piece]


def clean_folder_path(path, expected=None):
    """Split the escaped *path* into (folder, name), both unescaped.

    Repeated slashes collapse, "." and ".." are applied. The last component is the
    possible object *name* unless *expected* is "folder", the path ends with "/" or the
    last component is "." or ".."; then *name* is None.
    """
    components = split_unescaped("/", path)
    if not components:
        return "/", None
    name = None
    if not (expected == "folder" or components[-1] in (".", "..") or get_last_pos_of_char("/", path) == len(path) - 1):
        name = unescape_name_str(components.pop())
    folders = []
    for component in components:
        if component == "..":
            if folders:
                folders.pop()
        elif component != ".":
            folders.append(unescape_folder_str(component))
    return "/" + "/".join(folders), name


# ---------------------------------------------------------------------------
# Parsing paths

def _find_all(api_method, query):
    """Every result of a paged ``/system/find*`` call."""
    query = dict(query, limit=100)
    while True:
        response = api_method(query)
        for result in response["results"]:
            yield result
        if response.get("next") is None:
            return
        query["starting"] = response["next"]
        query["limit"] = min(query["limit"] * 2, 1000)


def resolve_container_id_or_name(raw_string, is_error=False, multi=False):
    """The ID of the project or container named (escaped) *raw_string*, or of the ID itself.

    With *multi* a list of every matching project ID is returned. Otherwise several
    matches are picked from interactively or raise ResolutionError. No match gives None
    (``[]`` with *multi*), or ResolutionError with *is_error*.
    """
    if not isinstance(raw_string, basestring):
        raise ResolutionError("Expected a project name or ID as a string, got %r" % (raw_string,))
    string = unescape_name_str(raw_string)
    if is_container_id(string):
        return [string] if multi else string
    if string in cached_project_names:
        return [cached_project_names[string]] if multi else cached_project_names[string]
    try:
        results = list(_find_all(dxpy.api.system_find_projects,
                                 {"name": string, "describe": True, "level": "VIEW"}))
    except Exception as details:
        raise ResolutionError(str(details))
    if len(results) == 1:
        cached_project_names[string] = results[0]["id"]
        return [results[0]["id"]] if multi else results[0]["id"]
    if not results:
        if is_error:
            raise ResolutionError('Could not find a project named "' + string + '"')
        return [] if multi else None
    if multi:
        return [result["id"] for result in results]
    if not INTERACTIVE_CLI:
        raise ResolutionError('Found multiple projects with name "' + string + '"; '
                              'please use a project ID to specify the desired project')
    print('Found multiple projects with name "' + string + '"')
    choice = pick(["%s (%s)" % (result["id"], result.get("level")) for result in results])
    return results[choice]["id"]


def resolve_path(path, expected=None, multi_projects=False, allow_empty_string=True):
    """Parse *path* into ``(project, folder, name)`` without checking that anything exists.

    Returns one of

    - ``(container ID, folder, name or None)``: a path in a project (name is None when
      the path can only be a folder: *expected* is "folder", or it ends with "/");
    - ``(current project or None, None, ID)``: an object, app or execution ID;
    - ``(job ID, None, output field)``: a job-based reference ``job-xxxx:field``.

    With *multi_projects* the project is a list (every project of that name).
    ResolutionError: unknown or ambiguous project name, more than one unescaped colon,
    no current project for a relative path, or "" when not *allow_empty_string*.
    """
    if not isinstance(path, basestring):
        raise TypeError("Expected the path to be a string, got %r" % (path,))

    def in_list(project):
        return [project] if multi_projects else project

    if path == "" and not allow_empty_string:
        raise ResolutionError('Cannot parse ""; expected the path to be a non-empty string')
    path = _maybe_convert_stringified_dxlink(path)
    if path == ":":
        if dxpy.WORKSPACE_ID is None:
            raise ResolutionError('Cannot resolve ":": expected a project name or ID to the left of the colon, '
                                  'or for a current project to be set')
        return in_list(dxpy.WORKSPACE_ID), "/", None
    if path == "":
        if dxpy.WORKSPACE_ID is None:
            raise ResolutionError("Expected a project name or ID to the left of a colon, "
                                  "or for a current project to be set")
        return in_list(dxpy.WORKSPACE_ID), dxpy.config.get("DX_CLI_WD", "/"), None
    if is_container_id(path):
        return in_list(path), "/", None
    if is_hashid(path):
        return in_list(dxpy.WORKSPACE_ID), None, path

    colons = _unescaped_positions(":", path)
    if len(colons) > 1:
        raise ResolutionError('Cannot parse "' + path + '" as a path; at most one unescaped colon can be present')
    substrings = split_unescaped(":", path)
    project_ids = None
    folderpath = None
    wd = dxpy.config.get("DX_CLI_WD", "/")
    if len(substrings) == 2:  # project-or-job:rest
        if is_job_id(substrings[0]):
            return in_list(substrings[0]), None, substrings[1]
        if multi_projects:
            project_ids = resolve_container_id_or_name(substrings[0], is_error=True, multi=True)
        else:
            project = resolve_container_id_or_name(substrings[0], is_error=True)
        wd = "/"
    elif colons:  # ":rest" or "project:"
        wd = "/"
        if path.startswith(":"):
            if dxpy.WORKSPACE_ID is None:
                raise ResolutionError('Cannot resolve "%s": expected a project name or ID to the left of the '
                                      'colon, or for a current project to be set' % (path,))
            project = dxpy.WORKSPACE_ID
        else:
            project = resolve_container_id_or_name(substrings[0], is_error=True)
            folderpath = "/"
    else:  # no colon: relative to the current project, never a project name
        project = dxpy.WORKSPACE_ID
        if project is None:
            raise ResolutionError('Cannot resolve "%s": expected the path to be qualified with a project name or '
                                  'ID, and a colon; or for a current project to be set' % (path,))

    entity_name = None
    if folderpath is None:
        rest = substrings[-1]
        folderpath, entity_name = clean_folder_path(rest if rest.startswith("/") else wd + "/" + rest, expected)
    if multi_projects:
        return (project_ids if project_ids is not None else [project]), folderpath, entity_name
    return project, folderpath, entity_name


# ---------------------------------------------------------------------------
# Finding what a path names

def _describe_by_id(object_id, describe_input):
    return dxpy.DXHTTPRequest("/" + object_id + "/describe", describe_input)


def resolve_job_ref(job_id, name, describe={}):
    """The data objects in output *name* of the finished job *job_id*, as a list of
    ``{"id": ..., "describe": ...}``. ``name.N`` selects item N of an array output.
    *describe* is the input of the describe calls (the job's project is added to it).
    ResolutionError when the job is not done or the field is missing or holds no objects.
    """
    try:
        job_desc = dxpy.api.job_describe(job_id)
    except Exception as details:
        raise ResolutionError(str(details))
    describe = dict(describe or {}, project=job_desc["project"])
    if job_desc["state"] != "done":
        raise ResolutionError("the job " + job_id + " is " + job_desc["state"] +
                              ", and it must be in the done state for its outputs to be accessed")
    index = None
    field_name, dot, index_text = name.rpartition(".")
    if dot and index_text.lstrip("-").isdigit():
        name, index = field_name, int(index_text)
    outputs = job_desc.get("output") or {}
    where = 'Found "' + name + '" as an output field name of ' + job_id
    value = outputs.get(name)
    if value is None:
        raise ResolutionError('Could not find "' + name + '" as an output field name of ' + job_id +
                              "; available fields are: " + ", ".join(outputs.keys()))
    if index is not None:
        if not isinstance(value, list):
            raise ResolutionError(where + ", but it is not an array and cannot be indexed")
        if not 0 <= index < len(value):
            raise ResolutionError(where + ", but the specified index " + index_text + " is out of range")
        value = value[index]
    if isinstance(value, list):
        if not value:
            raise ResolutionError(where + ", but it is an empty array")
        if not all(isinstance(item, dict) and "$dnanexus_link" in item for item in value):
            raise ResolutionError(where + ", but it is an array of non-data objects")
        ids = [_link_id(item) for item in value]
    elif isinstance(value, dict) and "$dnanexus_link" in value:
        ids = [_link_id(value)]
    else:
        raise ResolutionError(where + ", but it is not of a data object class")
    try:
        return [{"id": object_id, "describe": _describe_by_id(object_id, describe)} for object_id in ids]
    except Exception as details:
        raise ResolutionError(str(details))


def _link_id(link):
    target = link["$dnanexus_link"]
    return target["id"] if isinstance(target, dict) else target


def _check_resolution_needed(path, project, folderpath, entity_name, expected_classes=None, describe=True,
                             enclose_in_list=False):
    """Decide whether *entity_name* must be searched for by name.

    Returns ``(must_resolve, project, folderpath, entity)``: ``(True, ...)`` for a name;
    ``(False, None, None, None)`` for an ID not of *expected_classes*; ``(False, project,
    folderpath, {"id", "describe"})`` (in a list with *enclose_in_list*) for an ID, which
    is described here; ``(False, project, folderpath, None)`` for a folder.
    """
    if entity_name is None:
        return False, project, folderpath, None
    if not is_hashid(entity_name):
        return True, project, folderpath, entity_name
    if expected_classes is not None and entity_name.split("-")[0] not in expected_classes:
        return False, None, None, None
    describe_input = dict(describe) if isinstance(describe, dict) else {}
    if "project" not in describe_input:
        if project is not None:
            describe_input["project"] = project
        elif dxpy.WORKSPACE_ID is not None:
            describe_input["project"] = dxpy.WORKSPACE_ID
    try:
        desc = dxpy.append_underlying_workflow_describe(_describe_by_id(entity_name, describe_input))
    except Exception as details:
        if "project" not in describe_input:
            raise ResolutionError(str(details))
        # The project is only a hint: the object may be reachable elsewhere.
        del describe_input["project"]
        try:
            desc = dxpy.append_underlying_workflow_describe(_describe_by_id(entity_name, describe_input))
        except Exception as details2:
            raise ResolutionError(str(details2))
    result = {"id": entity_name, "describe": desc}
    return False, project, folderpath, ([result] if enclose_in_list else result)


def check_folder_exists(project, path, folder_name):
    """True when the folder *folder_name* exists inside the folder *path* of *project*
    (not usable for the root folder itself). ResolutionError when *path* does not exist."""
    if folder_name is None or path is None:
        return False
    try:
        listing = dxpy.api.container_list_folder(project, {"folder": path, "only": "folders"})
    except dxpy.exceptions.DXAPIError as e:
        if e.name == "ResourceNotFound":
            raise ResolutionError(str(e.msg))
        raise
    target, _name = clean_folder_path(path + "/" + folder_name, "folder")
    return target in listing["folders"]


def _resolve_folder(project, parent_folder, folder_name):
    """The full path of the existing folder *folder_name* in *parent_folder*, or
    ResolutionError."""
    if "/" in folder_name:  # a name with a slash cannot be a folder
        raise ResolutionError("Object of name " + str(folder_name) + " could not be resolved in folder " +
                              str(parent_folder) + " of project ID " + str(project))
    folder, _name = clean_folder_path(parent_folder + "/" + folder_name, "folder")
    if not check_folder_exists(project, parent_folder, folder_name):
        raise ResolutionError('Unable to resolve "' + folder_name + "\" to a data object or folder name in '" +
                              parent_folder + "'")
    return folder


def _ls_l_desc(desc):
    from .describe import get_ls_l_desc
    return get_ls_l_desc(desc)


def _validate_resolution_output_length(path, entity_name, results, allow_mult=False, all_mult=False,
                                       ask_to_resolve=True):
    """Reduce the non-empty *results* to what the caller asked for.

    Without *ask_to_resolve* all results are returned. One result is returned as is (in a
    list with *allow_mult*). Several are all returned when *allow_mult* and (*all_mult* or
    the name is a glob pattern); otherwise the user picks on a terminal, or
    ResolutionError is raised.
    """
    if not results:
        raise ValueError("'results' must be nonempty.")
    if not ask_to_resolve:
        return results
    if len(results) == 1:
        return [results[0]] if allow_mult else results[0]
    if allow_mult and (all_mult or is_glob_pattern(entity_name)):
        return results
    if not INTERACTIVE_CLI:
        raise ResolutionError('The given path "' + path + '" resolves to ' + str(len(results)) + " data objects")
    print('The given path "' + path + '" resolves to the following data objects:')
    if any("describe" not in result for result in results):
        project, folderpath, entity_name = resolve_path(path, expected="entity")
        results = _resolve_global_entity(project, folderpath, entity_name)
    choice = pick([_ls_l_desc(result["describe"]) for result in results], allow_mult=allow_mult)
    if allow_mult and choice == "*":
        return results
    return [results[choice]] if allow_mult else results[choice]


def _resolve_global_entity(project_or_job_id, folderpath, entity_name, describe=True, visibility="either"):
    """Objects named *entity_name* (a glob pattern) directly in *folderpath* of the project,
    as ``{"project", "id"[, "describe"]}``; for a job ID, its output field *entity_name*
    (see :func:`resolve_job_ref`). ResolutionError when the search fails."""
    if is_job_id(project_or_job_id):
        return resolve_job_ref(project_or_job_id, entity_name, describe=describe if isinstance(describe, dict) else {})
    query = {"name": {"glob": entity_name}, "visibility": visibility,
             "scope": {"project": project_or_job_id, "folder": folderpath, "recurse": False}}
    if describe is not None and describe is not False:
        query["describe"] = describe
    try:
        return list(_find_all(dxpy.api.system_find_data_objects, query))
    except Exception as details:
        raise ResolutionError(str(details))


def _format_resolution_output(path, project, folderpath, entity_name, result):
    """``{"project", "folder", "name"}`` for one path of resolve_multiple_existing_paths."""
    try:
        if not result:
            return {"project": project, "folder": _resolve_folder(project, folderpath, entity_name), "name": None}
        validated = _validate_resolution_output_length(path, entity_name, result)
        return {"project": None if is_job_id(project) else project, "folder": None, "name": validated}
    except ResolutionError:
        return {"project": None, "folder": None, "name": None}


_UNRESOLVED = {"project": None, "folder": None, "name": None}


def _resolve_data_objects(specs):
    results = []
    for start in range(0, len(specs), 1000):  # the route takes at most 1000 objects a call
        results.extend(dxpy.api.system_resolve_data_objects({"objects": specs[start:start + 1000]})["results"])
    return results


def resolve_multiple_existing_paths(paths):
    """Resolve each of *paths*; returns ``{path: {"project", "folder", "name"}}``.

    *name* is ``{"id", "describe"}`` for an ID, ``{"project", "id"}`` for a name found in
    a project (one batched resolveDataObjects call for all plain names), None for a
    folder (*folder* is then set). Paths that cannot be resolved map to all None.
    """
    done = {}
    batch_paths, batch_specs = [], []
    for path in paths:
        project, folderpath, entity_name = resolve_path(path, expected="entity")
        try:
            must_resolve, project, folderpath, entity_name = _check_resolution_needed(
                path, project, folderpath, entity_name)
        except ResolutionError:
            done[path] = dict(_UNRESOLVED)
            continue
        if not must_resolve:
            done[path] = {"project": project, "folder": folderpath, "name": entity_name}
        elif is_glob_pattern(entity_name) or is_job_id(project):
            # resolveDataObjects knows neither glob patterns nor job outputs.
            try:
                found = _resolve_global_entity(project, folderpath, entity_name)
            except ResolutionError:
                done[path] = dict(_UNRESOLVED)
                continue
            done[path] = _format_resolution_output(path, project, folderpath, entity_name, found)
        else:
            batch_paths.append(path)
            batch_specs.append({"project": project, "folder": folderpath, "name": entity_name})
    if batch_specs:
        for path, spec, result in zip(batch_paths, batch_specs, _resolve_data_objects(batch_specs)):
            done[path] = _format_resolution_output(path, spec["project"], spec["folder"], spec["name"], result)
    return done


def resolve_existing_path(path, expected=None, ask_to_resolve=True, expected_classes=None, allow_mult=False,
                          describe=True, all_mult=False, allow_empty_string=True, visibility="either"):
    """Resolve *path* to something that exists: returns ``(project, folder, results)``.

    - a folder or project: ``(project, folder, None)``;
    - an object ID: ``(project, folder, {"id", "describe"})``; ``(None, None, None)`` when
      its class is not in *expected_classes*;
    - a name: ``(project, None, result)`` with result ``{"project", "id", "describe"}``
      (``(None, None, result)`` for a job's output).

    The results come as a list when *allow_mult* or not *ask_to_resolve*. Without
    *ask_to_resolve* every match is returned; with *allow_mult* and *all_mult* too;
    otherwise several matches are picked from on a terminal or raise ResolutionError.
    *describe* is the describe input (True: the default fields); *visibility* is
    "either", "visible" or "hidden". ResolutionError when nothing matches.
    """
    project, folderpath, entity_name = resolve_path(path, expected=expected, allow_empty_string=allow_empty_string)
    must_resolve, project, folderpath, entity_name = _check_resolution_needed(
        path, project, folderpath, entity_name, expected_classes=expected_classes, describe=describe,
        enclose_in_list=(not ask_to_resolve or allow_mult))
    if not must_resolve:
        return project, folderpath, entity_name
    results = _resolve_global_entity(project, folderpath, entity_name, describe=describe, visibility=visibility)
    if not results:
        return project, _resolve_folder(project, folderpath, entity_name), None
    validated = _validate_resolution_output_length(path, entity_name, results, allow_mult=allow_mult,
                                                   all_mult=all_mult, ask_to_resolve=ask_to_resolve)
    if is_job_id(project):
        return None, None, validated
    return project, None, validated


def resolve_to_objects_or_project(path, all_matching_results=False):
    """:func:`resolve_existing_path` for commands that take objects or a project; a path
    naming only a folder other than the root raises ResolutionError."""
    project, folderpath, entity_results = resolve_existing_path(path, expected="entity", allow_mult=True,
                                                                all_mult=all_matching_results)
    if entity_results is None and not is_container_id(path) and folderpath is not None and folderpath != "/":
        raise ResolutionError('Could not resolve "' + path + '" to an existing data object or to only a project; '
                              'if you were attempting to refer to a project by name, please append a colon ":" '
                              'to indicate that it is a project.')
    return project, folderpath, entity_results


# ---------------------------------------------------------------------------
# Apps and global workflows

def _describe_global_executable(path, prefix, describe):
    """*describe* (an API wrapper) of *path* with *prefix* added when missing and a
    ``/version-or-tag`` suffix passed as the alias; None when the API refuses it."""
    if not path.startswith(prefix):
        path = prefix + path
    name, slash, alias = path.partition("/")
    try:
        return describe(name, alias=alias if slash else None)
    except dxpy.exceptions.DXAPIError:
        return None


def get_app_from_path(path):
    """The description of the app *path* (``app-xxxx``, ``name``, ``app-name/1.0.0``,
    ``name/tag``), or None when there is no such accessible app."""
    return _describe_global_executable(path, "app-", dxpy.api.app_describe)


def get_global_workflow_from_path(path):
    """The description of the global workflow *path* (same forms as apps), or None."""
    return _describe_global_executable(path, "globalworkflow-", dxpy.api.global_workflow_describe)


def get_global_exec_from_path(path):
    """The description of the app or, failing that, the global workflow *path*, or None."""
    if path.startswith("app-"):
        return get_app_from_path(path)
    if path.startswith("globalworkflow-"):
        return get_global_workflow_from_path(path)
    return get_app_from_path(path) or get_global_workflow_from_path(path)


def _found(desc, path, what):
    if desc is None:
        raise ResolutionError('The given path "%s" could not be resolved to an accessible %s' % (path, what))
    return desc


def resolve_app(path):
    """The description of the app *path*; ResolutionError when it cannot be found."""
    return _found(get_app_from_path(path), path, "app")


def resolve_global_workflow(path):
    """The description of the global workflow *path*; ResolutionError when it cannot be found."""
    return _found(get_global_workflow_from_path(path), path, "global workflow")


def resolve_global_executable(path, is_version_required=False):
    """The description of the app or global workflow *path*. With *is_version_required*
    a name must carry a version (``name/1.0.0``). ResolutionError otherwise."""
    if is_version_required and not is_hashid(path) and "/" not in path:
        raise ResolutionError('Version is required, e.g. "myexec/1.0.0"')
    if path.startswith("app-"):
        return resolve_app(path)
    if path.startswith("globalworkflow-"):
        return resolve_global_workflow(path)
    return _found(get_global_exec_from_path(path), path, "global executable (app or workflow)")


def _binding(name):
    try:
        return getattr(dxpy, name)
    except AttributeError:
        import importlib
        return getattr(importlib.import_module("dxpy.bindings"), name)


def _handler_from_desc(desc):
    klass = desc["class"]
    if klass == "applet":
        return _binding("DXApplet")(desc["id"], project=desc["project"])
    if klass == "app":
        return _binding("DXApp")(dxid=desc["id"])
    if klass == "workflow":
        return _binding("DXWorkflow")(desc["id"], project=desc["project"])
    if klass == "globalworkflow":
        return _binding("DXGlobalWorkflow")(dxid=desc["id"])
    raise DXError("The executable class {} is not supported".format(klass))


def get_exec_handler(path, alias=None):
    """A handler (DXApplet, DXApp, DXWorkflow or DXGlobalWorkflow) for the executable
    *path*. Applets and workflows are looked up by path, apps and global workflows by
    name; when both match, the user picks on a terminal, otherwise ResolutionError. With
    *alias* only apps and global workflows are considered."""
    if alias is not None:
        # That version or tag of the app or global workflow (dxpy's dx drops the alias and
        # takes the default one).
        path = path if "/" in path else path + "/" + alias
    global_desc = None
    # A project-qualified or absolute path names no app or global workflow: no need to ask.
    if not path.startswith(("workflow-", "applet-", "/")) and ":" not in path:
        global_desc = get_global_exec_from_path(path)
    if alias is not None:
        if global_desc is None:
            raise ResolutionError("No app or global workflow found for " + path)
        return _handler_from_desc(global_desc)

    try:
        _project, _folder, found = resolve_existing_path(path, expected="entity", ask_to_resolve=False,
                                                         expected_classes=["applet", "record", "workflow"],
                                                         visibility="visible")
    except ResolutionError:
        if global_desc is None:
            raise
        found = None
    executables = [r for r in (found or []) if r["describe"]["class"] in ("applet", "workflow")]
    if not executables:
        if global_desc is None:
            raise ResolutionError("No matches found for " + path)
        return _handler_from_desc(global_desc)
    if len(executables) == 1 and global_desc is None:
        return _handler_from_desc(executables[0]["describe"])
    if not INTERACTIVE_CLI:
        raise ResolutionError("Found multiple executables with the path " + path)
    print("Found multiple executables with the path " + path)
    labels = [_ls_l_desc(r["describe"]) for r in executables]
    if global_desc is not None:
        labels.append("{}-{}, version {}".format(global_desc["class"], global_desc["name"], global_desc["version"]))
    choice = pick(labels)
    if choice < len(executables):
        return _handler_from_desc(executables[choice]["describe"])
    return _handler_from_desc(global_desc)


def parse_input_keyval(keyeqval):
    """``"name=value"`` (as in ``-iname=value``) -> ``("name", "value")``; the first
    unescaped "=" separates them. DXCLIError when there is none or the name is empty."""
    position = get_first_pos_of_char("=", keyeqval) if isinstance(keyeqval, basestring) else -1
    if position <= 0:
        raise DXCLIError("An input was found that did not conform to the syntax: -i<input name>=<input value>")
    return keyeqval[:position], keyeqval[position + 1:]
