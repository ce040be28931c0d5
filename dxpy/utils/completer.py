"""Tab completion for ``dx``: completers for paths on the platform (projects, folders, data
objects), apps, local files, fixed lists and instance types, in the two protocols that shells
use: readline's ``complete(text, state)`` (which argcomplete also falls back to) and
``get_matches(line, point, prefix, suffix)``.

Completion runs while the user presses TAB, so a completer never raises: a failed query gives
no matches (logged at debug level on the "dxpy" logger). A path that cannot be resolved (an
unknown project, say) is explained on stderr, as there is no other way to tell the user.

``attach_completers(parser_map)`` puts the completers on the arguments of the ``dx`` parsers;
``dx`` calls it only when the shell asks for completions.
"""
import logging
import os
import sys
from collections import OrderedDict, namedtuple

import dxpy
from .printing import fill
from .resolver import (ResolutionError, clean_folder_path, get_first_pos_of_char,  # noqa: F401 (dxpy's names)
                       get_last_pos_of_char, resolve_path, split_unescaped)

logger = logging.getLogger("dxpy")

# Most results a completion query asks for: more would not fit on a screen anyway.
QUERY_LIMIT = 100
# Characters with a meaning in a name glob; a typed prefix is sent only up to the first of them.
_GLOB_SPECIALS = "*?[\\"


# -- escaping: in a dx path ":" separates the project and "/" the folders -----------------------

def startswith(text):
    """A predicate: does a string start with *text*?"""
    return lambda string: string.startswith(text)


def escape_colon(text):
    return text.replace(":", "\\:")


def unescape_colon(text):
    return text.replace("\\:", ":")


def escape_name(text):
    """An object name as one component of a path: its colons and slashes escaped."""
    return escape_colon(text).replace("/", "\\/")


def _unescape_name(text):
    return unescape_colon(text).replace("\\/", "/")


def join_path(project, path, name):
    """``project:/folder/name`` with each part escaped; *path* gets its leading and trailing slash."""
    folder = escape_colon(path)
    if not folder.startswith("/"):
        folder = "/" + folder
    if not folder.endswith("/"):
        folder += "/"
    return escape_colon(project) + ":" + folder + escape_name(name)


def split_path(path):
    """The inverse of :func:`join_path`: ``(project, folder, name)``, unescaped; the folder of
    a path without one is "/", the project of a path without a colon is ""."""
    colon = get_first_pos_of_char(":", path)
    slash = get_last_pos_of_char("/", path)
    folder = path[colon + 1:slash] if slash > colon else ""
    name = path[max(colon, slash) + 1:]
    project = path[:colon] if colon >= 0 else ""
    return unescape_colon(project), unescape_colon(folder) or "/", _unescape_name(name)


def _glob_for_prefix(prefix):
    """A name glob matching every name that starts with *prefix* (and maybe more, when the
    prefix holds glob characters: callers check ``startswith`` on what comes back)."""
    for position, char in enumerate(prefix):
        if char in _GLOB_SPECIALS:
            return prefix[:position] + "*"
    return prefix + "*"


def _typed_part_is_partial(text, delim_pos):
    """True when something follows the last delimiter: the user is typing a name."""
    return text != "" and delim_pos != len(text) - 1


# -- what lies in a folder -----------------------------------------------------------------------

def get_folder_matches(text, delim_pos, dxproj, folderpath):
    """Completions of *text* (escaped; its last "/" or ":" at *delim_pos*) to the subfolders of
    *folderpath* in the project of the handler *dxproj*: ``text[:delim_pos + 1] + name + "/"``
    for each one that starts with *text*; "." and ".." too once a name is being typed."""
    try:
        folders = dxproj.list_folder(folder=folderpath, only="folders")["folders"]
    except Exception as error:
        logger.debug("completion: listing folder %r failed: %s", folderpath, error)
        return []
    names = [escape_colon(folder[folder.rfind("/") + 1:]) for folder in folders]
    if _typed_part_is_partial(text, delim_pos):
        names += [".", ".."]
    before = text[:delim_pos + 1]
    return [before + name + "/" for name in names if (before + name + "/").startswith(text)]


def get_data_matches(text, delim_pos, dxproj, folderpath, classname=None, typespec=None, visibility=None):
    """Completions of *text* (escaped; its last "/" or ":" at *delim_pos*) to the data objects
    directly in *folderpath* of the project of *dxproj*, of class *classname* and type
    *typespec* when given. *visibility* defaults to "visible" until a name is being typed,
    then "either" (a hidden object is offered once its name is started)."""
    typed = _unescape_name(text[delim_pos + 1:])
    if visibility is None:
        visibility = "either" if _typed_part_is_partial(text, delim_pos) else "visible"
    try:
        results = dxpy.find_data_objects(project=dxproj.get_id(), folder=folderpath, recurse=False,
                                         name=_glob_for_prefix(typed), name_mode="glob",
                                         visibility=visibility, classname=classname, typename=typespec,
                                         limit=QUERY_LIMIT, describe={"fields": {"name": True}})
        names = [result["describe"]["name"] for result in results]
    except Exception as error:
        logger.debug("completion: finding objects in %r failed: %s", folderpath, error)
        return []
    before = text[:delim_pos + 1]
    return [before + escape_name(name) for name in names if name.startswith(typed)]


def _folder_and_data_matches(text, delim_pos, project_id, folderpath, expected, classes, typespec, visibility):
    dxproj = dxpy.DXProject(project_id)
    matches = get_folder_matches(text, delim_pos, dxproj, folderpath)
    if expected != "folder":
        for classname in classes or [None]:
            matches += get_data_matches(text, delim_pos, dxproj, folderpath, classname=classname,
                                        typespec=typespec, visibility=visibility)
    return matches


# -- projects ------------------------------------------------------------------------------------

def _project_matches(text, perm_level, include_current_proj):
    """``name:`` (colons escaped) of each project whose escaped name starts with *text*."""
    results = dxpy.find_projects(name=_glob_for_prefix(unescape_colon(text)), name_mode="glob",
                                 level=perm_level, describe={"fields": {"name": True}})
    names = [result["describe"]["name"] for result in results
             if include_current_proj or result["id"] != dxpy.WORKSPACE_ID]
    return [escape_colon(name) + ":" for name in names if escape_colon(name).startswith(text)]


def _is_existing_project_name(text):
    return dxpy.find_one_project(zero_ok=True, name=unescape_colon(text)) is not None


# -- paths ---------------------------------------------------------------------------------------

def path_completer(text, expected=None, classes=None, perm_level=None, include_current_proj=False,
                   typespec=None, visibility=None):
    """Completions of *text*, a path as typed (``project:folder/name``, escaped).

    *expected* restricts them to "folder"s, "project"s or "entity" (objects and folders);
    *classes* to data objects of those classes; *perm_level* the projects to those where the
    user has that access; *include_current_proj* offers the current project's name too;
    *visibility* ("visible", "hidden", "either") overrides the default of
    :func:`get_data_matches`. Never raises: a failed query gives no matches."""
    try:
        return _path_matches(text, expected, classes, perm_level, include_current_proj, typespec, visibility)
    except Exception as error:
        logger.debug("completion of %r failed: %s", text, error)
        return []


def _path_matches(text, expected, classes, perm_level, include_current_proj, typespec, visibility):
    colon_pos = get_last_pos_of_char(":", text)
    slash_pos = get_last_pos_of_char("/", text)
    if expected == "project" and colon_pos > 0 and colon_pos == len(text) - 1:
        # "name:" of an existing project is complete: a space ends the word.
        if _is_existing_project_name(text[:colon_pos]):
            return [text + " "]
    matches = []
    # A word without ":" or "/" may be the start of a project name (never of the current
    # project's unless asked for, and only once something is typed unless projects are wanted).
    if colon_pos < 0 and slash_pos < 0 and (text != "" or expected == "project"):
        matches += _project_matches(text, perm_level, include_current_proj)
    if expected == "project":
        return matches
    try:
        project_ids, folderpath, _ = resolve_path(text, multi_projects=True)
    except ResolutionError as details:
        sys.stderr.write("\n" + fill(str(details)))
        return matches
    if folderpath is None:  # an ID or a job reference: nothing to list
        return matches
    delim_pos = max(colon_pos, slash_pos)
    for project_id in project_ids:
        matches += _folder_and_data_matches(text, delim_pos, project_id, folderpath, expected, classes,
                                            typespec, visibility)
    return matches


# -- the completers ------------------------------------------------------------------------------

class _Completer(object):
    """readline's protocol over the matches that ``_find(prefix)`` computes, which a subclass
    defines; the matches of the last prefix are kept in ``matches``."""

    def __init__(self):
        self.matches = []

    def _populate_matches(self, prefix):
        try:
            self.matches = list(self._find(prefix))
        except Exception as error:
            logger.debug("completion of %r failed: %s", prefix, error)
            self.matches = []
        return self.matches

    def get_matches(self, line, point, prefix, suffix):
        return self._populate_matches(prefix)

    def complete(self, text, state):
        if state == 0:
            self._populate_matches(text)
        return self.matches[state] if state < len(self.matches) else None


def _word_before_point(line, point, prefix):
    """The whole word before *point*: bash splits words at ":" as well, and gives only the part
    after it as *prefix*; app names and list entries are matched as whole words."""
    if get_last_pos_of_char(" ", line) != point - 1:
        return split_unescaped(" ", line[:point])[-1]
    return prefix


class DXPathCompleter(_Completer):
    """Completes paths on the platform (see :func:`path_completer` for the options). Object
    names with spaces complete only when the completer's delimiters do not include a space."""

    def __init__(self, expected=None, classes=None, typespec=None, include_current_proj=False, visibility=None):
        super(DXPathCompleter, self).__init__()
        self.expected = expected
        self.classes = classes
        self.typespec = typespec
        self.include_current_proj = include_current_proj
        self.visibility = visibility

    def _find(self, prefix):
        return path_completer(prefix, self.expected, self.classes, typespec=self.typespec,
                              include_current_proj=self.include_current_proj, visibility=self.visibility)


class DXAppCompleter(_Completer):
    """Completes app names, with or without "app-"; *installed* (True/False) keeps only the
    apps the user has (or has not) installed."""

    def __init__(self, installed=None):
        super(DXAppCompleter, self).__init__()
        self.installed = installed

    def _find(self, prefix):
        names = self._app_names(_app_name_query(prefix))
        matches = [name for name in names if name.startswith(prefix)]
        if prefix and (prefix.startswith("app-") or "app-".startswith(prefix)):
            matches += ["app-" + name for name in names if ("app-" + name).startswith(prefix)]
        return matches

    def _app_names(self, name_query):
        fields = {"name": True, "installed": self.installed is not None}
        results = dxpy.find_apps(name=name_query, name_mode="glob", describe={"fields": fields})
        names = [result["describe"]["name"] for result in results
                 if self.installed is None or result["describe"]["installed"] == self.installed]
        return list(OrderedDict.fromkeys(names))  # one per app, not per version

    def get_matches(self, line, point, prefix, suffix):
        word = _word_before_point(line, point, prefix)
        if ":" in word:  # no app name has one
            self.matches = []
            return self.matches
        return self._populate_matches(word)


def _app_name_query(prefix):
    """The name glob for apps that may complete *prefix*: None (all) while the prefix could be
    the start of "app-" itself."""
    if prefix.startswith("app-") and len(prefix) > 4:
        return _glob_for_prefix(prefix[4:])
    if prefix and not "app-".startswith(prefix):
        return _glob_for_prefix(prefix)
    return None


class LocalCompleter(_Completer):
    """Completes local file names (directories end with "/"), as bash's file completion does."""

    def __init__(self):
        super(LocalCompleter, self).__init__()

    def _find(self, prefix):
        directory, start = os.path.split(prefix)
        listed = os.path.expanduser(directory) or "."
        try:
            entries = sorted(os.listdir(listed))
        except OSError:
            return []
        matches = []
        for entry in entries:
            if not entry.startswith(start) or (entry.startswith(".") and not start.startswith(".")):
                continue
            suffix = "/" if os.path.isdir(os.path.join(listed, entry)) else ""
            matches.append(os.path.join(directory, entry) + suffix)
        return matches


class NoneCompleter(object):
    """Completes nothing."""

    def get_matches(self, line, point, prefix, suffix):
        return []

    def complete(self, text, state):
        return None


class ListCompleter(_Completer):
    """Completes the entries of a fixed list that start with the word being typed."""

    def __init__(self, completions):
        super(ListCompleter, self).__init__()
        self.completions = completions

    def _find(self, prefix):
        return [entry for entry in self.completions if entry.startswith(prefix)]

    def get_matches(self, line, point, prefix, suffix):
        word = _word_before_point(line, point, prefix)
        matches = self._populate_matches(word)
        if ":" in word:
            # bash replaces only the part after the last ":" of the word
            self.matches = [match[match.rfind(":") + 1:] for match in matches]
        return self.matches


class MultiCompleter(_Completer):
    """The matches of several completers, one after the other."""

    def __init__(self, completers):
        super(MultiCompleter, self).__init__()
        self.completers = completers

    def _find(self, prefix):
        return [match for completer in self.completers for match in completer.get_matches("", 0, prefix, "")]

    def get_matches(self, line, point, prefix, suffix):
        # each completer finds the word to complete in the line itself
        self.matches = [match for completer in self.completers
                        for match in completer.get_matches(line, point, prefix, suffix)]
        return self.matches


# -- instance types ------------------------------------------------------------------------------

InstanceTypeSpec = namedtuple("InstanceTypeSpec", ("Name", "CPU_Cores", "Memory_GiB", "Storage_GB"))
GpuInstanceTypeSpec = namedtuple("GpuInstanceTypeSpec",
                                 ("Name", "CPU_Cores", "Memory_GiB", "Storage_GB", "GPU", "GPU_Memory_GiB"))
FpgaInstanceTypeSpec = namedtuple("FpgaInstanceTypeSpec", ("Name", "CPU_Cores", "Memory_GiB", "Storage_GB", "FPGA"))

# The platform's instance types, one per line, in dxpy's order.
# name, CPU cores, memory (GiB), storage (GB):
_AWS_PREFERRED = """
mem1_ssd1_v2_x2             2      4.0     50
mem1_ssd1_v2_x4             4      8.0    100
mem1_ssd1_v2_x8             8     16.0    200
mem1_ssd1_v2_x16           16     32.0    400
mem1_ssd1_v2_x36           36     72.0    900
mem1_ssd1_v2_x72           72    144.0   1800
mem1_ssd2_v3_x2             2      4.0    118
mem1_ssd2_v3_x4             4      8.0    237
mem1_ssd2_v3_x8             8     16.0    474
mem1_ssd2_v3_x16           16     32.0    950
mem1_ssd2_v3_x32           32     64.0   1900
mem1_ssd2_v3_x48           48     96.0   2850
mem1_ssd2_v3_x64           64    128.0   3800
mem1_ssd2_v3_x96           96    192.0   5700
mem1_ssd2_v3_x128         128    256.0   7600
mem1_ssd2_v2_x2             2      4.0    160
mem1_ssd2_v2_x4             4      8.0    320
mem1_ssd2_v2_x8             8     16.0    640
mem1_ssd2_v2_x16           16     32.0   1280
mem1_ssd2_v2_x36           36     72.0   2880
mem1_ssd2_v2_x72           72    144.0   5760
mem2_ssd1_v2_x2             2      8.0     75
mem2_ssd1_v2_x4             4     16.0    150
mem2_ssd1_v2_x8             8     32.0    300
mem2_ssd1_v2_x16           16     64.0    600
mem2_ssd1_v2_x32           32    128.0   1200
mem2_ssd1_v2_x48           48    144.0   1800
mem2_ssd1_v2_x64           64    256.0   2400
mem2_ssd1_v2_x96           96    384.0   3600
mem2_ssd2_v3_x2             2      8.0    118
mem2_ssd2_v3_x4             4     16.0    237
mem2_ssd2_v3_x8             8     32.0    474
mem2_ssd2_v3_x16           16     64.0    950
mem2_ssd2_v3_x32           32    128.0   1900
mem2_ssd2_v3_x48           48    192.0   2850
mem2_ssd2_v3_x64           64    256.0   3800
mem2_ssd2_v3_x96           96    384.0   5700
mem2_ssd2_v3_x128         128    512.0   7600
mem2_ssd2_v2_x2             2      8.0    160
mem2_ssd2_v2_x4             4     16.0    320
mem2_ssd2_v2_x8             8     32.0    640
mem2_ssd2_v2_x16           16     64.0   1280
mem2_ssd2_v2_x32           32    128.0   2560
mem2_ssd2_v2_x48           48    192.0   3840
mem2_ssd2_v2_x64           64    256.0   5120
mem2_ssd2_v2_x96           96    384.0   7480
mem3_ssd1_v2_x2             2     16.0     75
mem3_ssd1_v2_x4             4     32.0    150
mem3_ssd1_v2_x8             8     64.0    300
mem3_ssd1_v2_x16           16    128.0    600
mem3_ssd1_v2_x32           32    256.0   1200
mem3_ssd1_v2_x48           48    384.0   1800
mem3_ssd1_v2_x64           64    512.0   3200
mem3_ssd1_v2_x96           96    768.0   3600
mem3_ssd2_v3_x2             2     16.0    118
mem3_ssd2_v3_x4             4     32.0    237
mem3_ssd2_v3_x8             8     64.0    474
mem3_ssd2_v3_x16           16    128.0    950
mem3_ssd2_v3_x32           32    256.0   1900
mem3_ssd2_v3_x48           48    384.0   2850
mem3_ssd2_v3_x64           64    512.0   3800
mem3_ssd2_v3_x96           96    768.0   5700
mem3_ssd2_v3_x128         128   1024.0   7600
mem3_ssd2_v2_x2             2    15.25    475
mem3_ssd2_v2_x4             4     30.5    950
mem3_ssd2_v2_x8             8     61.0   1900
mem3_ssd2_v2_x16           16    122.0   3800
mem3_ssd2_v2_x32           32    244.0   7600
mem3_ssd2_v2_x64           64    488.0  15200
mem3_ssd3_x2                2     16.0   1250
mem3_ssd3_x4                4     32.0   2500
mem3_ssd3_x8                8     64.0   5000
mem3_ssd3_x12              12     96.0   7500
mem3_ssd3_x24              24    192.0  15000
mem3_ssd3_x48              48    384.0  30000
mem3_ssd3_x96              96    768.0  60000
mem4_ssd1_x128            128   1952.0   3840
"""
_AZURE_PREFERRED = """
azure:mem1_ssd1_x2          2      3.9     32
azure:mem1_ssd1_x4          4      7.8     64
azure:mem1_ssd1_x8          8     15.7    128
azure:mem1_ssd1_x16        16     31.4    256
azure:mem2_ssd1_x1          1      3.5    128
azure:mem2_ssd1_x2          2      7.0    128
azure:mem2_ssd1_x4          4     14.0    128
azure:mem2_ssd1_x8          8     28.0    256
azure:mem2_ssd1_x16        16     56.0    512
azure:mem3_ssd1_x2          2     14.0    128
azure:mem3_ssd1_x4          4     28.0    128
azure:mem3_ssd1_x8          8     56.0    256
azure:mem3_ssd1_x16        16    112.0    512
azure:mem3_ssd1_x20        20    140.0    640
azure:mem4_ssd1_x2          2     28.0    128
azure:mem4_ssd1_x4          4     56.0    128
azure:mem4_ssd1_x8          8    112.0    256
azure:mem4_ssd1_x16        16    224.0    512
azure:mem4_ssd1_x32        32    448.0   2048
azure:mem5_ssd2_x64        64   1792.0   8192
azure:mem5_ssd2_x128      128   3892.0  16384
"""
_OCI_PREFERRED = """
oci:mem1_ssd1_v3i_x2        2      3.9     50
oci:mem1_ssd1_v3i_x4        4      7.8    100
oci:mem1_ssd1_v3i_x8        8     15.6    200
oci:mem1_ssd1_v3i_x16      16     31.3    400
oci:mem1_ssd1_v3i_x36      36     70.3    900
oci:mem1_ssd2_v3i_x2        2      3.9    160
oci:mem1_ssd2_v3i_x4        4      7.8    320
oci:mem1_ssd2_v3i_x8        8     15.6    640
oci:mem1_ssd2_v3i_x16      16     31.3   1280
oci:mem1_ssd2_v3i_x36      36     70.3   2880
oci:mem2_ssd1_v3i_x2        2      7.8     75
oci:mem2_ssd1_v3i_x4        4     15.6    150
oci:mem2_ssd1_v3i_x8        8     31.3    300
oci:mem2_ssd1_v3i_x16      16     62.5    600
oci:mem2_ssd1_v3i_x32      32    125.0   1200
oci:mem3_ssd1_v3i_x2        2     15.6     75
oci:mem3_ssd1_v3i_x4        4     31.3    150
oci:mem3_ssd1_v3i_x8        8     62.5    300
oci:mem3_ssd1_v3i_x16      16    125.0    600
oci:mem3_ssd1_v3i_x32      32    250.0   1200
oci:mem3_ssd2_v3i_x2        2     15.6    475
oci:mem3_ssd2_v3i_x4        4     31.3    950
oci:mem3_ssd2_v3i_x8        8     62.5   1900
oci:mem3_ssd2_v3i_x16      16    125.0   3800
oci:mem3_ssd2_v3i_x32      32    250.0   7600
oci:mem3_ssd3_v3i_x2        2     15.6   1250
oci:mem3_ssd3_v3i_x4        4     31.3   2500
oci:mem3_ssd3_v3i_x8        8     62.5   5000
oci:mem3_ssd3_v3i_x12      12     93.8   7500
oci:mem3_ssd3_v3i_x24      24    187.5  15000
oci:mem3_ssd3_v3i_x32      32    250.0  20000
"""
_AWS_OTHER = """
mem1_ssd1_x2                2      3.8     32
mem1_ssd1_x4                4      7.5     80
mem1_ssd1_x8                8     15.0    160
mem1_ssd1_x16              16     30.0    320
mem1_ssd1_x32              32     60.0    640
mem1_ssd1_x36              36     72.0    900
mem1_ssd2_x2                2      3.8    160
mem1_ssd2_x4                4      7.5    320
mem1_ssd2_x8                8     15.0    640
mem1_ssd2_x16              16     30.0   1280
mem1_ssd2_x36              36     60.0   2880
mem2_ssd1_x2                2      7.5     32
mem2_ssd1_x4                4     15.0     80
mem2_ssd1_x8                8     30.0    160
mem2_ssd2_x2                2      8.0    160
mem2_ssd2_x4                4     16.0    320
mem2_ssd2_x8                8     32.0   1280
mem2_ssd2_x16              16     64.0   2560
mem2_ssd2_x40              40    160.0   3200
mem2_ssd2_x64              64    256.0   5120
mem3_ssd1_x2                2     15.0     32
mem3_ssd1_x4                4     30.5     80
mem3_ssd1_x8                8     61.0    160
mem3_ssd1_x16              16    122.0    320
mem3_ssd1_x32              32    244.0    640
mem3_ssd2_x4                4     30.5    800
mem3_ssd2_x8                8     61.0   1600
mem3_ssd2_x16              16    122.0   3200
mem3_ssd2_x32              32    244.0   6400
mem1_hdd1_x2                2     3.75    200
mem1_hdd1_x4                4      7.5    400
mem1_hdd1_x8                8     15.0    800
mem1_hdd1_x16              16     30.0   1600
mem1_hdd1_x36              36     60.0   3200
mem1_hdd1_v2_x2             2      4.0    200
mem1_hdd1_v2_x4             4      8.0    400
mem1_hdd1_v2_x8             8     16.0    800
mem1_hdd1_v2_x16           16     32.0   1600
mem1_hdd1_v2_x36           36     72.0   3600
mem1_hdd1_v2_x72           72    144.0   7200
mem1_hdd1_v2_x96           96    192.0   9600
mem1_hdd2_x1                1      1.7    160
mem1_hdd2_x8                8      7.0   1680
mem2_hdd2_x1                1      3.8    410
mem2_hdd2_x2                2      7.5    840
mem2_hdd2_x4                4     15.0   1680
mem2_hdd2_v2_x2             2      8.0   1000
mem2_hdd2_v2_x4             4     16.0   2000
mem3_hdd2_x2                2     17.1    420
mem3_hdd2_x4                4     34.2    850
mem3_hdd2_x8                8     68.4   1680
mem3_hdd2_v2_x2             2     16.0    500
mem3_hdd2_v2_x4             4     32.0   1000
mem3_hdd2_v2_x8             8     64.0   2000
"""
# name, CPU cores, memory (GiB), storage (GB), GPU memory (GiB), GPUs:
_GPU = """
mem2_ssd1_gpu_x16              16     64.0    225   16.0  1 NVIDIA T4
mem2_ssd1_gpu_x32              32    128.0    900   16.0  1 NVIDIA T4
mem2_ssd1_gpu1_x32             32    128.0    900   16.0  1 NVIDIA T4
mem2_ssd1_gpu_x64              64    256.0    900   16.0  1 NVIDIA T4
mem2_ssd1_gpu1_x64             64    256.0    900   16.0  1 NVIDIA T4
mem2_ssd1_gpu_x48              48    192.0    900   64.0  4 NVIDIA T4
mem2_ssd1_gpu4_x48             48    192.0    900   64.0  4 NVIDIA T4
mem2_ssd2_gpu1_x4               4     16.0    250   24.0  1 NVIDIA A10G
mem2_ssd2_gpu1_x8               8     32.0    450   24.0  1 NVIDIA A10G
mem2_ssd2_gpu1_x16             16     64.0    600   24.0  1 NVIDIA A10G
mem2_ssd2_gpu1_x32             32    128.0    900   24.0  1 NVIDIA A10G
mem2_ssd2_gpu1_x64             64    256.0   1900   24.0  1 NVIDIA A10G
mem2_ssd2_gpu4_x48             48    192.0   3800   96.0  4 NVIDIA A10G
mem2_ssd2_gpu4_x96             96    384.0   3800   96.0  4 NVIDIA A10G
mem2_ssd2_gpu8_x192           192    768.0   7600  192.0  8 NVIDIA A10G
mem2_ssd2_gpu1_v2_x4            4     16.0    250   24.0  1 NVIDIA L4
mem2_ssd2_gpu1_v2_x8            8     32.0    450   24.0  1 NVIDIA L4
mem2_ssd2_gpu1_v2_x16          16     64.0    600   24.0  1 NVIDIA L4
mem2_ssd2_gpu1_v2_x32          32    128.0    900   24.0  1 NVIDIA L4
mem2_ssd2_gpu1_v2_x64          64    256.0   1880   24.0  1 NVIDIA L4
mem2_ssd2_gpu4_v2_x48          48    192.0   3760   96.0  4 NVIDIA L4
mem2_ssd2_gpu4_v2_x96          96    384.0   3760   96.0  4 NVIDIA L4
mem2_ssd2_gpu8_v2_x192        192    768.0   7520  192.0  8 NVIDIA L4
mem3_ssd1_gpu1_x16             16    128.0    600   24.0  1 NVIDIA L4
mem3_ssd1_gpu1_x32             32    256.0    900   24.0  1 NVIDIA L4
azure:mem3_ssd2_gpu4_x64       64    488.0   2048   64.0  4 NVIDIA T4
oci:mem2_ssd1_GPU_v2_x24       24     70.3    480   16.0  1 NVIDIA P100
oci:mem3_ssd1_GPU_v3_x12       12     87.9    240   16.0  1 NVIDIA V100
oci:mem3_ssd1_GPU_v3_x24       24    175.8    480   32.0  2 NVIDIA V100
oci:mem3_ssd1_GPU_v3_x48       48    351.6    960   64.0  4 NVIDIA V100
oci:mem3_ssd2_GPU_vA10_x30     30    234.4    960   24.0  1 NVIDIA A10
oci:mem3_ssd2_GPU_vA10_x60     60    468.8   1920   48.0  2 NVIDIA A10
"""
# name, CPU cores, memory (GiB), storage (GB), FPGAs:
_FPGA = """
mem3_ssd2_fpga1_x24        24    256.0    940   1
mem3_ssd2_fpga2_x48        48    512.0   1880   2
mem3_ssd2_fpga8_x192      192   2048.0   7520   8
"""


def _parse_instance_type(line):
    name, cores, memory, storage = line.split()
    return InstanceTypeSpec(name, int(cores), float(memory), int(storage))


def _parse_fpga_instance_type(line):
    name, cores, memory, storage, fpgas = line.split()
    return FpgaInstanceTypeSpec(name, int(cores), float(memory), int(storage), int(fpgas))


def _parse_gpu_instance_type(line):
    name, cores, memory, storage, gpu_memory, gpus = line.split(None, 5)
    return GpuInstanceTypeSpec(name, int(cores), float(memory), int(storage), gpus, float(gpu_memory))


def _instance_type_table(rows, parse=_parse_instance_type):
    """Name -> spec, in the order of *rows*."""
    specs = [parse(line) for line in rows.strip().splitlines()]
    return OrderedDict((spec.Name, spec) for spec in specs)


def _merged(*tables):
    merged = OrderedDict()
    for table in tables:
        merged.update(table)
    return merged


class InstanceTypesCompleter(object):
    """Completes instance type names; its class attributes are the tables of instance types
    (name -> spec) that ``dx run --instance-type-help`` prints."""

    InstanceTypeSpec = InstanceTypeSpec
    GpuInstanceTypeSpec = GpuInstanceTypeSpec
    FpgaInstanceTypeSpec = FpgaInstanceTypeSpec

    aws_preferred_instance_types = _instance_type_table(_AWS_PREFERRED)
    azure_preferred_instance_types = _instance_type_table(_AZURE_PREFERRED)
    oci_preferred_instance_types = _instance_type_table(_OCI_PREFERRED)
    aws_other_instance_types = _instance_type_table(_AWS_OTHER)
    gpu_instance_types = _instance_type_table(_GPU, _parse_gpu_instance_type)
    fpga_instance_types = _instance_type_table(_FPGA, _parse_fpga_instance_type)
    default_instance_type = aws_preferred_instance_types["mem1_ssd1_v2_x4"]
    standard_instance_types = _merged(aws_preferred_instance_types, azure_preferred_instance_types,
                                      oci_preferred_instance_types, aws_other_instance_types)
    instance_types = _merged(standard_instance_types, gpu_instance_types, fpga_instance_types)
    instance_type_names = list(instance_types)

    def _names_starting_with(self, prefix):
        return [name for name in self.instance_type_names if name.startswith(prefix)]

    def complete(self, text, state):
        names = self._names_starting_with(text)
        return names[state] if state < len(names) else None

    def __call__(self, prefix, parsed_args=None, **kwargs):
        # argcomplete's protocol
        return self._names_starting_with(prefix)


# -- the completers of dx's arguments -----------------------------------------------------------

def _app_category_completer():
    from ..app_categories import APP_CATEGORIES
    return ListCompleter(sorted(APP_CATEGORIES))


def _executable_completer(**path_options):
    return MultiCompleter([DXAppCompleter(), DXPathCompleter(**path_options)])


_EVERY_OBJECT_COMMANDS = ("ls", "cp", "mv", "rm", "describe", "close", "wait", "archive", "unarchive",
                          "get_details", "set_details", "set_visibility", "add_types", "remove_types",
                          "tag", "untag", "set_properties", "unset_properties")
_FILE_COMMANDS = ("download", "make_download_url", "cat", "head", "loupe-viewer", "notebook", "build")
_WORKFLOW_COMMANDS = ("add stage", "list stages", "remove stage", "update stage", "update workflow")
_INSTALLED_APP_COMMANDS = ("add developers", "add users", "list developers", "list users",
                           "remove developers", "remove users", "uninstall")

# (parsers by name as in parser_map, destination of the argument, completer factory): dxpy's choices
_COMPLETER_TABLE = [
    (_EVERY_OBJECT_COMMANDS, ("path", "paths", "sources"), DXPathCompleter),
    (("rename",), ("path",), lambda: DXPathCompleter(include_current_proj=True)),
    (("tree", "cd", "mkdir", "rmdir", "find data", "generate_batch_inputs"), ("path", "paths", "folder"),
     lambda: DXPathCompleter(expected="folder")),
    (_FILE_COMMANDS, ("path", "paths", "git_credentials", "notebook_files", "snapshot", "loupe_files"),
     lambda: DXPathCompleter(classes=["file"])),
    (("get",), ("path",),
     lambda: DXPathCompleter(classes=["file", "record", "applet", "app", "workflow", "database"])),
    (("select",), ("project",), lambda: DXPathCompleter(expected="project")),
    (("rmproject",), ("projects",), lambda: DXPathCompleter(expected="project", include_current_proj=True)),
    (("new record",), ("init",), lambda: DXPathCompleter(classes=["record"])),
    (("new workflow",) + _WORKFLOW_COMMANDS, ("init", "workflow"), lambda: DXPathCompleter(classes=["workflow"])),
    (("build",), ("_from",), lambda: DXPathCompleter(classes=["applet", "workflow"])),
    (("publish",), ("executable",), lambda: DXPathCompleter(classes=["app", "globalworkflow"])),
    (("add stage", "update stage"), ("executable",), lambda: _executable_completer(classes=["applet"])),
    (("run",), ("executable",), lambda: _executable_completer(classes=["applet", "workflow"], visibility="visible")),
    (_INSTALLED_APP_COMMANDS, ("app",), lambda: DXAppCompleter(installed=True)),
    (("install",), ("app",), lambda: DXAppCompleter(installed=False)),
    (("upload", "build"), ("filename", "src_dir"), LocalCompleter),
    (("run", "add stage", "update stage"), ("instance_type",), InstanceTypesCompleter),
    (("find apps", "find globalworkflows", "find org apps"), ("category",), _app_category_completer),
]


def attach_completers(parser_map):
    """Set ``.completer`` on the arguments of the parsers in *parser_map* ("ls", "find data",
    ... -> parser) that take paths, apps, local files, instance types or app categories, as dxpy
    does. Parsers or arguments that do not exist (yet) are passed over."""
    for names, destinations, make_completer in _COMPLETER_TABLE:
        for name in names:
            parser = parser_map.get(name)
            for action in (parser._actions if parser is not None else ()):
                if action.dest in destinations:
                    action.completer = make_completer()
