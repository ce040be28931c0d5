"""Where a job's inputs and outputs live on the worker, and the shell variables that describe them.

Conventions of the execution environment (``$HOME`` is the job's home directory):

- ``$HOME/job_input.json`` holds the job input, ``$HOME/job_output.json`` its output;
- a file input ``reads`` is downloaded to ``$HOME/in/reads/<file name>``; the elements of a
  file array ``reads`` go to ``$HOME/in/reads/<index>/<file name>``, one directory per index
  (zero-padded to the same width), so equal names in one array do not collide;
- files to upload are put under ``$HOME/out/<output name>/``.

For a bash app each file input ``x`` also gets the variables ``x`` (its link), ``x_name``,
``x_prefix`` (the name without its extension, or without the part matched by a pattern of the
input spec) and ``x_path``; see :func:`gen_bash_vars`.
"""
import collections
import errno
import json
import os
import sys

import dxpy
from ..compat import basestring
from ..exceptions import DXError

__all__ = ["get_input_dir", "get_output_dir", "get_input_json_file", "get_output_json_file",
           "rm_output_json_file", "ensure_dir", "make_unix_filename", "filter_dict", "get_job_input_filenames",
           "get_input_spec_patterns", "choose_shorter_string", "analyze_bash_vars", "gen_bash_vars"]


def _home_dir(job_homedir=None):
    home_dir = job_homedir if job_homedir is not None else os.environ.get("HOME")
    if not isinstance(home_dir, str) or not home_dir:
        raise DXError("The job's home directory is unknown: pass job_homedir or set HOME (got %r)" % (home_dir,))
    return home_dir


def get_input_dir(job_homedir=None):
    """``<home>/in``, where the job's input files are downloaded (home: *job_homedir* or ``$HOME``)."""
    return os.path.join(_home_dir(job_homedir), "in")


def get_output_dir(job_homedir=None):
    """``<home>/out``, from where the job's output files are uploaded (home: *job_homedir* or ``$HOME``)."""
    return os.path.join(_home_dir(job_homedir), "out")


def get_input_json_file():
    """``$HOME/job_input.json``."""
    return os.path.join(_home_dir(), "job_input.json")


def get_output_json_file():
    """``$HOME/job_output.json``."""
    return os.path.join(_home_dir(), "job_output.json")


def rm_output_json_file():
    """Delete ``$HOME/job_output.json`` if it exists (meant for tests)."""
    try:
        os.remove(get_output_json_file())
    except OSError as e:
        if e.errno != errno.ENOENT:
            raise


def ensure_dir(path):
    """Create the directory *path* (its parent must exist) unless it is already there.

    :raises DXError: when *path* exists and is a file
    """
    if not os.path.exists(path):
        os.mkdir(path)
    elif os.path.isfile(path):
        raise DXError("Path %s already exists, and it is a file, not a directory" % path)


def make_unix_filename(fname):
    """*fname* as a name one can create in a Unix directory: slashes become ``%2F``.

    :raises DXError: for names no file can have (``.``, ``..``, the empty name) or a non-string
    """
    if not isinstance(fname, str):
        raise DXError("Invalid filename %r: expected a string" % (fname,))
    if fname in (".", "..", ""):
        raise DXError("Invalid filename {!r}".format(fname))
    return fname.replace("/", "%2F")


def filter_dict(dict_, excl_keys):
    """A copy of *dict_* without the keys in *excl_keys*."""
    return {k: v for k, v in dict_.items() if k not in excl_keys}


def _file_link_target(value):
    """(file ID, project or None) when *value* is a link to a file, else None."""
    if not isinstance(value, dict) or "$dnanexus_link" not in value:
        return None
    link = value["$dnanexus_link"]
    if isinstance(link, str):
        object_id, project = link, None
    elif isinstance(link, dict) and isinstance(link.get("id"), str):
        object_id, project = link["id"], link.get("project")
    else:
        return None  # a job-based reference, or not a link at all
    if not object_id.startswith("file-"):
        return None
    return object_id, project


def _read_json_object(path, what):
    """The JSON object in the file *path*; DXError naming *what* (the file, as users know it)
    when it cannot be read, is not JSON or is not an object."""
    try:
        with open(path) as fh:
            value = json.load(fh)
    except OSError as e:
        raise DXError("Cannot read %s: %s" % (what, e))
    except ValueError as e:
        raise DXError("%s is not valid JSON: %s" % (what[0].upper() + what[1:], e))
    if not isinstance(value, dict):
        raise DXError("%s must hold a JSON object, not %s" % (what[0].upper() + what[1:], type(value).__name__))
    return value


def _load_job_input(job_input_file):
    return _read_json_object(job_input_file, "the job input file %s" % job_input_file)


def get_job_input_filenames(job_input_file):
    """Where each file input of *job_input_file* goes, relative to the input directory.

    Returns ``(dirs, files, rest)``: the directories to create (relative paths), a dict from
    input name to a list of ``{"trg_fname", "handler", "src_file_id"}`` (one per file; the name
    comes from describing the file), and the inputs that hold no files.
    """
    from ..bindings.dxfile import DXFile

    job_input = _load_job_input(job_input_file)
    files = collections.defaultdict(list)
    dirs = []

    def add_file(input_name, subdir, value):
        target = _file_link_target(value)
        if target is None:
            return False
        file_id, project = target
        handler = DXFile(file_id, project=project)
        filename = make_unix_filename(handler.name)
        target_dir = input_name if subdir is None else os.path.join(input_name, subdir)
        files[input_name].append({"trg_fname": os.path.join(target_dir, filename), "handler": handler,
                                  "src_file_id": file_id})
        dirs.append(target_dir)
        return True

    def add_file_array(input_name, links):
        if not links:
            return
        width = len(str(len(links) - 1))
        position = len(dirs)
        found = [add_file(input_name, str(i).zfill(width), link) for i, link in enumerate(links)]
        if any(found):
            # The array's own directory comes before its numbered subdirectories.
            dirs.insert(position, input_name)

    for input_name, value in job_input.items():
        if isinstance(value, list):
            add_file_array(input_name, value)
        else:
            add_file(input_name, None, value)

    rest_hash = {key: val for key, val in job_input.items() if key not in files}
    return dirs, files, rest_hash


def _input_spec_of_job():
    job_desc = dxpy.api.job_describe(dxpy.JOB_ID or os.environ["DX_JOB_ID"])
    if job_desc.get("function") != "main":
        return None  # subjobs run functions whose inputs the spec does not describe
    executable = job_desc.get("app", job_desc.get("applet"))
    if not isinstance(executable, str):
        return None
    if executable.startswith("app-"):
        desc = dxpy.api.app_describe(executable)
    else:
        desc = dxpy.api.applet_describe(executable)
    return desc.get("inputSpec")


def _input_spec_of_dxapp_json(path):
    return _read_json_object(path, "DX_TEST_DXAPP_JSON=%s" % path).get("inputSpec")


def get_input_spec_patterns():
    """The glob ``patterns`` of each input of the running executable's input spec.

    Inside a job (``DX_JOB_ID`` set) the spec is the job's app or applet's (only for the ``main``
    function); otherwise it is read from the dxapp.json named by ``DX_TEST_DXAPP_JSON``. Only
    patterns with a ``*`` are kept. Returns ``{input name: [pattern, ...]}`` ({} without a spec).
    """
    input_spec = None
    if "DX_JOB_ID" in os.environ:
        input_spec = _input_spec_of_job()
    elif "DX_TEST_DXAPP_JSON" in os.environ:
        input_spec = _input_spec_of_dxapp_json(os.environ["DX_TEST_DXAPP_JSON"])
    if input_spec is None:
        return {}
    if not isinstance(input_spec, list):
        raise DXError("The inputSpec must be a list, not %s" % type(input_spec).__name__)

    patterns = {}
    for spec in input_spec:
        if not isinstance(spec, dict) or "name" not in spec:
            raise DXError("Every inputSpec entry needs a name: %r" % (spec,))
        if "patterns" in spec:
            patterns[spec["name"]] = [p for p in spec["patterns"] if isinstance(p, str) and "*" in p]
    return patterns


def choose_shorter_string(p, q):
    """The shorter of *p* and *q* (*p* on a tie); a None is ignored."""
    if p is None:
        return q
    if q is None:
        return p
    return q if len(q) < len(p) else p


def _prefix(basename, patterns):
    """*basename* without the suffix matched by the tightest pattern, else without its extension
    (two for ``.gz``: ``x.fa.gz`` -> ``x``)."""
    import fnmatch
    best = None
    for pattern in patterns or ():
        if fnmatch.fnmatch(basename, pattern):
            suffix = pattern.rpartition("*")[2]
            best = choose_shorter_string(best, basename[:len(basename) - len(suffix)])
    if best is not None:
        return best
    stem, extension = os.path.splitext(basename)
    if extension == ".gz":
        stem = os.path.splitext(stem)[0]
    return stem


def analyze_bash_vars(job_input_file, job_homedir):
    """Per file input, the values its shell variables take.

    Returns ``(file_key_descs, rest_hash)``: ``file_key_descs[name]`` has the lists
    ``handler``, ``basename``, ``prefix`` and ``path`` (absolute, under the input directory of
    *job_homedir* or ``$HOME``), one entry per file; ``rest_hash`` holds the other inputs.
    """
    _dirs, file_entries, rest_hash = get_job_input_filenames(job_input_file)
    patterns = get_input_spec_patterns()
    input_dir = get_input_dir(job_homedir)

    file_key_descs = collections.defaultdict(lambda: {"handler": [], "basename": [], "prefix": [], "path": []})
    for key, entries in file_entries.items():
        for entry in entries:
            basename = os.path.basename(entry["trg_fname"])
            desc = file_key_descs[key]
            desc["handler"].append(entry["handler"])
            desc["basename"].append(basename)
            desc["prefix"].append(_prefix(basename, patterns.get(key)))
            desc["path"].append(os.path.join(input_dir, entry["trg_fname"]))
    return file_key_descs, rest_hash


def _shell_word(elem):
    import shlex
    from ..bindings import DXDataObject
    if isinstance(elem, basestring):
        text = elem if isinstance(elem, str) else elem.decode("utf-8")
    elif isinstance(elem, DXDataObject):
        text = json.dumps({"$dnanexus_link": elem.get_id()})
    else:
        text = json.dumps(elem)
    return shlex.quote(text)


def _shell_value(value):
    if isinstance(value, list):
        return "( {} )".format(" ".join(_shell_word(item) for item in value))
    return _shell_word(value)


def gen_bash_vars(job_input_file, job_homedir=None, check_name_collision=True):
    """The shell variables a bash entry point gets for the inputs in *job_input_file*.

    Returns ``{variable name: shell-quoted value}`` (arrays as ``( a b )``): each input by name,
    and for file inputs also ``<name>_name``, ``<name>_prefix`` and ``<name>_path``. With
    *check_name_collision*, a variable that would replace an environment variable (or one
    already made) is left out, with a warning on stderr.
    """
    from .printing import fill

    file_key_descs, rest_hash = analyze_bash_vars(job_input_file, job_homedir)
    var_defs = {}

    def define(key, value):
        if check_name_collision and (key in os.environ or key in var_defs):
            sys.stderr.write(fill(
                "Creating environment variable ({}) would cause a name collision".format(key)) + "\n")
            return
        var_defs[key] = value

    for key, value in rest_hash.items():
        define(key, _shell_value(value))
    for key, desc in file_key_descs.items():
        define(key, _shell_value(desc["handler"]))
        define(key + "_name", _shell_value(desc["basename"]))
        define(key + "_prefix", _shell_value(desc["prefix"]))
        define(key + "_path", _shell_value(desc["path"]))
    return var_defs
