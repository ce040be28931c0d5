"""Building a Nextflow applet with the Nextflow Pipeline Importer app."""
import json
import logging
import sys

import dxpy
from ..cli import try_call
from ..utils.resolver import resolve_existing_path
from .nextflow_utils import get_allowed_extra_fields_mapping, get_importer_name, get_nested

logger = logging.getLogger("dxpy")


def _file_link(path):
    from ..cli.exec_io import parse_obj
    return parse_obj(path, "file")


def _importer_takes_version():
    """Whether the importer app installed here accepts a ``nextflow_version`` input."""
    try:
        spec = dxpy.DXApp(name=get_importer_name()).describe(fields={"inputSpec": True})
    except dxpy.exceptions.DXAPIError as error:
        logger.debug("Could not check the importer's inputs: %s", error)
        return False
    return any(field["name"] == "nextflow_version" for field in spec.get("inputSpec", []))


def build_pipeline_with_npi(repository=None, tag=None, cache_docker=False, docker_secrets=None,
                            nextflow_pipeline_params="", profile="", git_creds=None, brief=False, destination=None,
                            extra_args=None, nextflow_version=None):
    """Run the importer app on *repository* (a Git URL or an uploaded folder) in the destination
    project and folder, wait for it, and return the ID of the applet it made."""
    input_hash = {}
    for arg_path, input_name in get_allowed_extra_fields_mapping():
        value = get_nested(extra_args or {}, arg_path)
        if value is not None:
            input_hash[input_name] = value
    input_hash["repository_url"] = repository
    for input_name, value, as_file in (("repository_tag", tag, False), ("config_profile", profile, False),
                                       ("cache_docker", cache_docker, False),
                                       ("nextflow_pipeline_params", nextflow_pipeline_params, False),
                                       ("docker_secrets", docker_secrets, True),
                                       ("github_credentials", git_creds, True)):
        if value:
            input_hash[input_name] = _file_link(value) if as_file else value
    if nextflow_version is not None:
        if _importer_takes_version():
            input_hash["nextflow_version"] = nextflow_version
        else:
            sys.stderr.write("WARNING: The deployed Nextflow Pipeline Importer does not support version selection. "
                             "Building with NPI's default version.\n")

    project, folder = dxpy.WORKSPACE_ID, None
    if destination:
        project, folder, _ = try_call(resolve_existing_path, destination, expected="folder")
    if project is None:
        raise dxpy.exceptions.DXCLIError("Can't create an applet without specifying a destination project; please "
                                         "use the -d/--destination flag to explicitly specify a project")
    job = dxpy.DXApp(name=get_importer_name()).run(app_input=input_hash, project=project, folder=folder,
                                                   name="Nextflow build of %s" % repository, detach=True)
    if not brief:
        print("Started builder job %s" % job.get_id())
    job.wait_on_done(interval=1)
    applet_id = dxpy.get_dxlink_ids(job.describe(fields={"output": True})["output"]["output_applet"])[0]
    if brief:
        print(json.dumps({"id": applet_id}))
    else:
        print("Created Nextflow pipeline %s" % applet_id)
    return applet_id
