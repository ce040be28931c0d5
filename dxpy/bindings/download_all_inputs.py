"""Download every file input of the running job into ``$HOME/in``.

A file input ``reads`` goes to ``$HOME/in/reads/<file name>``; the elements of a file array
``reads`` to ``$HOME/in/reads/<index>/<file name>``, the index zero-padded to one width
(``00`` ... ``11`` for twelve files), so that ``in/reads/*/*`` lists them in input order and
files of the same name do not collide.
"""
import os
import sys

import dxpy
from ..exceptions import DXError
from ..utils import file_load_utils

__all__ = ["download_all_inputs"]

# Each download thread wants about this much memory (large parts are buffered in memory).
_MB_PER_THREAD = 1200


class JobInputNotFoundError(DXError, FileNotFoundError):
    """There is no ``job_input.json``: the caller is not running in a job's home directory.

    Also a FileNotFoundError (an IOError), the error dxpy raises here.
    """


def _check_exclude(exclude):
    """*exclude* as a set of input names (empty for None)."""
    if exclude is None:
        return set()
    if isinstance(exclude, (str, bytes)) or not all(isinstance(name, str) for name in exclude):
        raise DXError("exclude must be a list of input names, not %r" % (exclude,))
    return set(exclude)


def _job_input_filenames():
    """``(dirs, inputs)`` of :func:`file_load_utils.get_job_input_filenames` for ``$HOME/job_input.json``."""
    job_input_file = file_load_utils.get_input_json_file()
    if not os.path.isfile(job_input_file):
        raise JobInputNotFoundError(
            "Could not find the input json file: {0}. This function should only be called from within a "
            "running job (or with HOME set to a directory holding job_input.json).".format(job_input_file))
    dirs, inputs, _rest = file_load_utils.get_job_input_filenames(job_input_file)
    return dirs, inputs


def _create_dirs(idir, dirs):
    """Create *idir* and each of *dirs* (relative to it), before any download starts."""
    file_load_utils.ensure_dir(idir)
    for d in dirs:
        file_load_utils.ensure_dir(os.path.join(idir, d))


def _download_one_file(file_rec, idir):
    src_file = file_rec["src_file_id"]
    trg_file = os.path.join(idir, file_rec["trg_fname"])
    print("downloading file: " + src_file + " to filesystem: " + trg_file)
    sys.stdout.flush()
    try:
        dxpy.download_dxfile(src_file, trg_file, project=file_rec["handler"].get_proj_id())
    except Exception as e:
        raise DXError("Could not download the input file %s to %s: %s: %s"
                      % (src_file, trg_file, type(e).__name__, e)) from e
    return file_rec


def _sequential_file_download(to_download, idir):
    for file_rec in to_download:
        _download_one_file(file_rec, idir)


def _parallel_file_download(to_download, idir, max_num_parallel_downloads):
    """Download with at most *max_num_parallel_downloads* threads; the first failure stops
    the downloads not yet started and is raised."""
    import concurrent.futures
    executor = concurrent.futures.ThreadPoolExecutor(max_workers=max_num_parallel_downloads)
    futures = []
    try:
        futures = [executor.submit(_download_one_file, file_rec, idir) for file_rec in to_download]
        for future in concurrent.futures.as_completed(futures):
            future.result()
    except BaseException:
        for future in futures:
            future.cancel()
        raise
    finally:
        executor.shutdown(wait=True)


def _gen_helper_dict(filtered_inputs):
    """``<input>_path``, ``<input>_name`` and ``<input>_prefix`` (lists, one entry per file) for
    each input in *filtered_inputs*: the values a bash job gets as variables."""
    file_key_descs, _rest = file_load_utils.analyze_bash_vars(file_load_utils.get_input_json_file(), None)
    helper = {}
    for input_name in filtered_inputs:
        if input_name not in file_key_descs:
            continue
        desc = file_key_descs[input_name]
        for suffix, key in (("_path", "path"), ("_name", "basename"), ("_prefix", "prefix")):
            helper.setdefault(input_name + suffix, desc[key])
    return helper


def _total_memory_mb():
    """Physical memory in MB, or None where the system does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") >> 20
    except (AttributeError, ValueError, OSError):
        return None


def _get_num_parallel_threads(max_threads, num_cores, mem_available_mb):
    """At most *max_threads*, one per core, and enough memory for each thread."""
    by_memory = max(int(mem_available_mb / _MB_PER_THREAD), 1) if mem_available_mb is not None else max_threads
    return max(min(max_threads, num_cores, by_memory), 1)


def download_all_inputs(exclude=None, parallel=False, max_threads=8):
    """Download every file input of the job (``$HOME/job_input.json``) under ``$HOME/in``.

    :param exclude: names of inputs not to download
    :param parallel: download several files at once
    :param max_threads: the most threads to use when *parallel* (fewer on a machine with
        fewer cores or little memory)
    :returns: for each downloaded input ``x``, the lists ``x_path`` (where its files are),
        ``x_name`` (file names) and ``x_prefix`` (names without extension)

    Raises :exc:`JobInputNotFoundError` (a DXError and a FileNotFoundError) without
    ``job_input.json``, and DXError naming the file when a download fails.
    """
    excluded = _check_exclude(exclude)
    if isinstance(max_threads, bool) or not isinstance(max_threads, int) or max_threads < 1:
        raise DXError("max_threads must be a positive int, not %r" % (max_threads,))
    idir = file_load_utils.get_input_dir()
    dirs, inputs = _job_input_filenames()

    # A directory belongs to the input named by its first component (in/reads/00 -> reads).
    _create_dirs(idir, [d for d in dirs if d.split("/")[0] not in excluded])
    if excluded:
        inputs = file_load_utils.filter_dict(inputs, excluded)

    to_download = [file_rec for file_recs in inputs.values() for file_rec in file_recs]
    if parallel and len(to_download) > 1:
        threads = _get_num_parallel_threads(max_threads, os.cpu_count() or 1, _total_memory_mb())
        sys.stderr.write("Downloading files using {} threads\n".format(threads))
        _parallel_file_download(to_download, idir, threads)
    else:
        _sequential_file_download(to_download, idir)

    return _gen_helper_dict(inputs)
