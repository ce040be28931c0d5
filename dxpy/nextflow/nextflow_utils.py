"""Small facts about Nextflow builds: where a pipeline's files go on the worker, the importer
app, and the ``--extra-args`` fields a build through the importer accepts."""
import json
import os

IMPORTER_NAME = "nextflow_pipeline_importer"
JOB_DESCRIPTION_FILE = "/home/dnanexus/dnanexus-job.json"


def get_resources_dir_name(resources_dir):
    """The name of the pipeline directory *resources_dir* ('' for None)."""
    if resources_dir is None:
        return ""
    return os.path.basename(os.path.abspath(resources_dir))


def get_resources_subpath(resources_dir):
    """Where the files of the pipeline directory *resources_dir* are unpacked on the worker."""
    return os.path.join("/home/dnanexus/", get_resources_dir_name(resources_dir))


def get_importer_name():
    return IMPORTER_NAME


def is_importer_job():
    """Whether this process runs inside a job of the importer app (its builds must not start
    another importer job)."""
    try:
        with open(JOB_DESCRIPTION_FILE) as handle:
            return json.load(handle).get("executableName") == IMPORTER_NAME
    except (OSError, ValueError, AttributeError):
        return False


def get_nested(args, arg_path):
    """The value at the keys *arg_path* of the mapping *args*, or None."""
    for key in arg_path:
        if not isinstance(args, dict):
            return None
        args = args.get(key)
        if args is None:
            return None
    return args


def get_allowed_extra_fields_mapping():
    """(path in dxapp.json, importer input name) of the fields --extra-args may set."""
    return [
        (["name"], "name"),
        (["title"], "title"),
        (["summary"], "summary"),
        (["runSpec", "timeoutPolicy"], "timeout_policy"),
        (["runSpec", "release"], "release"),
        (["details", "whatsNew"], "whats_new"),
    ]
