"""dx-upload-all-outputs: upload ``$HOME/out/<output name>/...`` and record the files in
``$HOME/job_output.json``.

A file directly in ``out/FOO/`` becomes output FOO (an array when there are several, or when the
output spec says ``array:file``); files in subdirectories of ``out/FOO/`` keep their relative folder
in the workspace and are added to FOO too. The output spec of the job's app or applet (or of
``$DX_TEST_DXAPP_JSON`` outside a job) is checked first, as the platform would check it later.
"""
import argparse
import json
import os
import stat
import sys

import dxpy
from ..utils import file_load_utils
from ..utils.printing import BOLD, refill_paragraphs
from ..utils.resolver import try_call
from .dx_download_all_inputs import add_transfer_options
from .job_files import report_job_error_and_exit, update_json_file

MAX_PARALLEL_UPLOADS = 8

DESCRIPTION = BOLD("Note") + """: this is a utility for use by bash apps
running in the DNAnexus Platform.

Uploads all files and subdirectories in the directory $HOME/out, as
described below. It also adds relevant entries into the job_output.json
file.

By convention, only directories with names equal to output parameter
names are expected to be found in the output directory, and any file(s)
found in those subdirectories will be uploaded as the corresponding
outputs.  For example, a file with the path

    $HOME/out/FOO/OUTPUT.TXT

will be uploaded, and the key "FOO" will be added to the job_output.json
file with value

    {"$dnanexus_link": "file-xxxx"}

where "file-xxxx" is the ID of the newly uploaded file. If multiple
files are found, they will be added as an array output (in unspecified
order). If subdirectories are found under $HOME/out/FOO, then they are
uploaded in their entirety to the workspace, and values are added
to FOO in the job_output.json file. For example, the path:

    $HOME/out/FOO/BAR/XXX.TXT

will be uploaded to /BAR/XXX.TXT.
"""


def build_parser():
    parser = argparse.ArgumentParser(prog="dx-upload-all-outputs", description=refill_paragraphs(DESCRIPTION),
                                     formatter_class=argparse.RawTextHelpFormatter)
    add_transfer_options(parser, "upload", "Upload")
    parser.add_argument("--clearJSON", help="Clears the output JSON file prior to starting upload.")
    parser.add_argument("--wait-on-close", dest="wait_on_close", action="store_true", default=False,
                        help="Wait for files to close, default is not to wait")
    parser.add_argument("--xattr-properties", action="store_true",
                        help="Get filesystem attributes and set them as properties on each file uploaded")
    return parser


# The output spec

def _output_spec_list():
    if "DX_JOB_ID" in os.environ:
        job = dxpy.api.job_describe(dxpy.JOB_ID)
        if job.get("function") != "main":
            return None  # subjobs' outputs are not described by the spec
        if "app" in job:
            return dxpy.api.app_describe(job["app"]).get("outputSpec")
        return dxpy.api.applet_describe(job["applet"]).get("outputSpec")
    if "DX_TEST_DXAPP_JSON" in os.environ:
        with open(os.environ["DX_TEST_DXAPP_JSON"]) as fh:
            return json.load(fh).get("outputSpec")
    return None


def output_spec():
    """``{name: {"class", "optional"}}`` from the output spec, or None when there is none."""
    spec = _output_spec_list()
    if spec is None:
        return None
    return {field["name"]: {"class": field["class"], "optional": field.get("optional", False)} for field in spec}


# What is in $HOME/out

def _entries(path):
    """(files, directories) in *path*, sorted; hidden entries and symbolic links are left out."""
    files, dirs = [], []
    for name in sorted(os.listdir(path)):
        full = os.path.join(path, name)
        if name.startswith(".") or os.path.islink(full):
            continue
        if os.path.isdir(full):
            dirs.append(name)
        elif os.path.isfile(full) or stat.S_ISFIFO(os.stat(full).st_mode):
            files.append(name)
    return files, dirs


def _files_below(base, rel_dir):
    """Every file under ``base/rel_dir``, as paths relative to *base*."""
    files, dirs = _entries(os.path.join(base, rel_dir))
    found = [os.path.join(rel_dir, name) for name in files]
    for name in dirs:
        found.extend(_files_below(base, os.path.join(rel_dir, name)))
    return found


def scan_output_dir(out_dir):
    """``{output name: [(local path, workspace folder or None), ...]}`` for each directory of
    *out_dir*: first its own files (to the workspace root), then those of its subdirectories."""
    if not os.path.isdir(out_dir):
        return {}
    found = {}
    for key in _entries(out_dir)[1]:
        key_dir = os.path.join(out_dir, key)
        files, subdirs = _entries(key_dir)
        uploads = [(os.path.join(key_dir, name), None) for name in files]
        for subdir in subdirs:
            uploads.extend((os.path.join(key_dir, rel), "/" + os.path.dirname(rel))
                           for rel in _files_below(key_dir, subdir))
        found[key] = uploads
    return found


def check_against_spec(found, spec):
    """Fail the job (job_error.json) when the output directory contradicts the output spec."""
    for key, field in spec.items():
        if key not in found:
            continue  # a missing required output is reported by the platform when the job ends
        if field["class"] == "file" and len(found[key]) > 1:
            report_job_error_and_exit("AppInternalError", "Expected to find 1 file for key {} of class file, but "
                                                          "there are {} files".format(key, len(found[key])))
        if field["class"] not in ("file", "array:file"):
            report_job_error_and_exit("AppInternalError", "key {} is of class {} but it appears in the output "
                                                          "directory".format(key, field["class"]))


# Uploading

def _xattr_properties(path):
    """The ``user.*`` extended attributes of *path* as properties (without the prefix)."""
    if not hasattr(os, "listxattr"):
        return {}
    return {name[len("user."):]: os.getxattr(path, name).decode("utf-8", "replace")
            for name in os.listxattr(path) if name.startswith("user.")}


def upload_one(local_path, folder, wait_on_close=False, xattr_properties=False):
    """Upload *local_path* to *folder* of the workspace (the root when None); returns its link."""
    from ..bindings.dxfile_functions import upload_local_file
    name = os.path.basename(local_path)
    print("uploading file: {} -> {}/{}".format(local_path, folder or "", name))
    sys.stdout.flush()
    options = {"wait_on_close": wait_on_close}
    if folder is not None:
        options.update(folder=folder, parents=True)
    if xattr_properties:
        options["properties"] = _xattr_properties(local_path)
    return dxpy.dxlink(upload_local_file(local_path, **options))


def upload_all(uploads, parallel=False, **options):
    """Upload each (local path, folder) of *uploads*; the links, in the same order. In parallel,
    at most MAX_PARALLEL_UPLOADS at a time."""
    if not parallel:
        return [upload_one(path, folder, **options) for path, folder in uploads]
    import concurrent.futures
    with concurrent.futures.ThreadPoolExecutor(max_workers=MAX_PARALLEL_UPLOADS) as pool:
        futures = [pool.submit(upload_one, path, folder, **options) for path, folder in uploads]
        for (path, _folder), future in zip(uploads, futures):
            error = future.exception()
            if error is not None:
                print("file %s generated an exception %r" % (os.path.basename(path), error))
                for other in futures:
                    other.cancel()
                raise error
        return [future.result() for future in futures]


# job_output.json

def merged_output(existing, key, output_class, links):
    """The value of output *key* after adding the new *links* to the *existing* value (if any)."""
    if output_class == "file":
        if len(links) != 1:
            report_job_error_and_exit("AppInternalError", "Type mismatch, key {} is of type file, json={} "
                                                          "num_dxlinks={}".format(key, existing, len(links)))
        return links[0]
    before = [] if existing is None else existing if isinstance(existing, list) else [existing]
    combined = before + links
    if output_class == "array:file" or len(combined) != 1:
        return combined
    return combined[0]


def record_outputs(links_by_key, spec, clear=False):
    """Add the uploaded files to job_output.json (emptied first when *clear*)."""
    if clear:
        file_load_utils.rm_output_json_file()

    def add(output):
        for key, links in links_by_key.items():
            if links:
                output_class = spec[key]["class"] if spec and key in spec else None
                output[key] = merged_output(output.get(key), key, output_class, links)
    update_json_file(file_load_utils.get_output_json_file(), add)


def main(argv=None):
    args = build_parser().parse_args(argv)
    spec = try_call(output_spec)
    found = try_call(scan_output_dir, file_load_utils.get_output_dir())
    if args.exclude:
        found = file_load_utils.filter_dict(found, args.exclude)
        if spec is not None:
            spec = file_load_utils.filter_dict(spec, args.exclude)
    if spec is not None:
        check_against_spec(found, spec)

    uploads = [(key, path, folder) for key, files in found.items() for path, folder in files]
    links = try_call(upload_all, [(path, folder) for _key, path, folder in uploads], parallel=args.parallel,
                     wait_on_close=args.wait_on_close, xattr_properties=args.xattr_properties)
    links_by_key = {key: [] for key in found}
    for (key, _path, _folder), link in zip(uploads, links):
        links_by_key[key].append(link)
    try_call(record_outputs, links_by_key, spec, clear=bool(args.clearJSON))


if __name__ == "__main__":
    main()
