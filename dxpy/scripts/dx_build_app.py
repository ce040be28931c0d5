"""``dx build`` of applets and apps: check the source directory (``dxapp.json``, the syntax of the
code, app guidelines), build it (``make``), upload its resources, create the applet and, for an
app, the app from it, in one temporary project per region.

:func:`build_and_upload_locally` is the entry point for programs; :func:`build` runs the
command for parsed ``dx build`` arguments (it exits on errors).
"""
import argparse
import json
import logging
import os
import platform
import py_compile
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime

import dxpy
import dxpy.app_builder
import dxpy.executable_builder
from dxpy.nextflow.nextflow_builder import build_pipeline_with_npi
from dxpy.nextflow.nextflow_utils import get_resources_subpath, is_importer_job  # noqa: F401 (dxpy's names)
from ..app_categories import APP_CATEGORIES
from ..cli.parsers import process_extra_args
from ..compat import USING_PYTHON2, basestring  # noqa: F401  (dxpy's names here)
from ..exceptions import err_exit
from ..utils import json_load_raise_on_duplicates
from ..utils.printing import BOLD  # noqa: F401
from ..utils.resolver import ResolutionError, check_folder_exists, is_container_id, resolve_path  # noqa: F401

logger = logging.getLogger("dxpy")

# For the errors dxpy reports as argument errors (exit code 2).
parser = argparse.ArgumentParser(prog="dx build", description="Uploads a DNAnexus App.")

_FIELD_NAME = re.compile(r"^[a-zA-Z_][0-9a-zA-Z_]*$")
_REMOTE_BUILDER_SUFFIX = {"12.04": "", "14.04": "_trusty", "16.04": "_xenial", "20.04": "_focal", "24.04": "_noble"}
_NO_DESTINATION = ("Can't create an applet without specifying a destination project; please use the "
                   "-d/--destination flag to explicitly specify a project")
AppBuilderException = dxpy.app_builder.AppBuilderException


def __getattr__(name):
    # dxpy's name here for the completer of source directories, loaded only when asked for.
    if name == "LocalCompleter":
        from ..utils.completer import LocalCompleter
        return LocalCompleter
    raise AttributeError("module {!r} has no attribute {!r}".format(__name__, name))


class DXSyntaxError(Exception):
    def __init__(self, message):
        self.message = message

    def __str__(self):
        return self.message


# -- versions and destinations -----------------------------------------------------------------

def _get_timestamp_version_suffix(version):
    return (".build." if "+" in version else "+build.") + datetime.today().strftime("%Y%m%d.%H%M")


def _get_version_suffix(src_dir, version):
    """A semver build suffix for an autonumbered version: the git commit of *src_dir* when it is
    a repository, else the date and time."""
    if os.path.exists(os.path.join(src_dir, ".git")):
        try:
            commit = subprocess.check_output(["git", "rev-parse", "HEAD"], cwd=src_dir,
                                             stderr=subprocess.DEVNULL).decode().strip()[:7]
            return (".git." if "+" in version else "+git.") + commit
        except (OSError, subprocess.CalledProcessError):
            pass
    return _get_timestamp_version_suffix(version)


def parse_destination(dest_str):
    """(project, folder, name) of ``--destination``."""
    return dxpy.executable_builder.get_parsed_destination(dest_str)


def _project_region(project):
    return dxpy.executable_builder.project_region(project)


def _create_temporary_build_project(name, bill_to=None, region=None):
    # An explicit null drive keeps the build on DNAnexus storage rather than the billTo's default drive.
    project_input = {"name": name, "drive": None}
    if bill_to:
        project_input["billTo"] = bill_to
    if region:
        project_input["region"] = region
    return dxpy.api.project_new(project_input)["id"]


def get_destination_region(destination):
    """The region the applet of ``--destination`` *destination* is built in (that of the
    workspace when not given); the ``project`` of dxapp.json is not considered."""
    project = parse_destination(destination)[0] if destination else dxpy.WORKSPACE_ID
    return _project_region(project)


def get_project_to_check(destination, extra_args):
    """The project whose features a build is checked against: ``project`` of --extra-args,
    else that of --destination (the project context for a container), else the project context."""
    if "project" in extra_args:
        return extra_args["project"]
    if destination:
        project = parse_destination(destination)[0]
        return dxpy.PROJECT_CONTEXT_ID if project.startswith("container-") else project
    return dxpy.PROJECT_CONTEXT_ID


def verify_nf_license(destination, extra_args):
    """Refuse a Nextflow build when the billTo of the destination lacks the dxNextflow feature."""
    project = get_project_to_check(destination, extra_args)
    features = dxpy.DXHTTPRequest("/" + project + "/checkFeatureAccess", {"features": ["dxNextflow"]},
                                  always_retry=True).get("features", {})
    if not features.get("dxNextflow", False):
        raise AppBuilderException("PermissionDenied: billTo of the applet's destination project must have the "
                                  "dxNextflow feature enabled. For inquiries, please contact support@dnanexus.com")


# -- checks of the source directory ------------------------------------------------------------

def _warn_missing_suggestion_project(project_id):
    logger.warning("Suggested project {name} does not exist, or not accessible by user".format(name=project_id))


def _check_suggested_object(object_id):
    if not object_id.startswith(("file-", "record-")):
        return
    try:
        dxpy.describe(object_id)
    except dxpy.exceptions.DXAPIError as error:
        if error.code == 404:
            raise AppBuilderException("Suggested object {name} could not be found".format(name=object_id))
    except Exception as error:
        raise AppBuilderException(str(error))


def _check_suggestions(app_json, publish=False):
    """Warn about input suggestions naming projects or folders that cannot be found (or, when
    publishing, projects that are not public); refuse suggested objects that do not exist."""
    for input_field in app_json.get("inputSpec", []):
        for suggestion in input_field.get("suggestions", []):
            if "project" in suggestion:
                try:
                    project = dxpy.api.project_describe(suggestion["project"], {"permissions": True})
                    if "PUBLIC" not in project["permissions"] and publish:
                        logger.warning("Project {name} NOT PUBLIC!".format(name=project["name"]))
                except dxpy.exceptions.DXAPIError as error:
                    if error.code == 404:
                        _warn_missing_suggestion_project(suggestion["project"])
                if "path" in suggestion:
                    try:
                        check_folder_exists(suggestion["project"], suggestion["path"], "")
                    except ResolutionError:
                        logger.warning("Folder {path} could not be found in project {project}".format(
                            path=suggestion["path"], project=suggestion["project"]))
            if "$dnanexus_link" in suggestion:
                _check_suggested_object(suggestion["$dnanexus_link"])
            value = suggestion.get("value")
            link = value.get("$dnanexus_link") if isinstance(value, dict) else None
            if isinstance(link, dict) and "project" in link:
                try:
                    dxpy.api.project_describe(link["project"])
                except dxpy.exceptions.DXAPIError as error:
                    if error.code == 404:
                        _warn_missing_suggestion_project(link["project"])
            elif isinstance(link, str):
                _check_suggested_object(link)


def _find_readme(dirname):
    for basename in ("README.md", "Readme.md", "readme.md"):
        if os.path.exists(os.path.join(dirname, basename)):
            return os.path.join(dirname, basename)
    return None


def _lint_app_documentation(app_spec, dxapp_json_filename):
    if "title" not in app_spec:
        logger.warning('app is missing a title, please add one in the "title" field of dxapp.json')
    if "summary" in app_spec:
        if app_spec["summary"].endswith("."):
            logger.warning('summary "%s" should be a short phrase not ending in a period' % app_spec["summary"])
    else:
        logger.warning('app is missing a summary, please add one in the "summary" field of dxapp.json')
    readme = _find_readme(os.path.dirname(dxapp_json_filename))
    if "description" in app_spec:
        if readme:
            raise AppBuilderException(
                'Description was provided both in Readme.md and in the "description" field of {file}. Please '
                'consolidate content in Readme.md and remove the "description" field.'.format(file=dxapp_json_filename))
        if not app_spec["description"].strip().endswith("."):
            logger.warning('"description" field should be written in complete sentences and end with a period')
    elif readme is None:
        logger.warning("app is missing a description, please supply one in README.md")
    for category in app_spec.get("categories", []):
        if category not in APP_CATEGORIES:
            logger.warning('app has unrecognized category "%s"' % category)
        for kind, ending in (("Import", "Importer"), ("Export", "Exporter")):
            if category == kind and "title" in app_spec and not app_spec["title"].endswith(ending):
                logger.warning('title "%s" should end in "%s"' % (app_spec["title"], ending))


def _lint_fields(app_spec, spec_key, label):
    if spec_key not in app_spec:
        logger.warning("dxapp.json contains no %s specification (%s). Your applet will not be usable as an app, "
                       "runnable from the GUI, or composable using workflows." % (label, spec_key))
        return
    for index, field in enumerate(app_spec[spec_key]):
        if not _FIELD_NAME.match(field["name"]):
            logger.error('%s %d has illegal name "%s" (must match ^[a-zA-Z_][0-9a-zA-Z_]*$)'
                         % (label, index, field["name"]))


def _lint(dxapp_json_filename, mode):
    """Warn about what goes against the app guidelines in a dxapp.json that parses."""
    with open(dxapp_json_filename) as handle:
        app_spec = json.load(handle)
    dirname = os.path.basename(os.path.dirname(os.path.abspath(dxapp_json_filename)))
    if mode == "app":
        _lint_app_documentation(app_spec, dxapp_json_filename)
    if "name" in app_spec:
        name = app_spec["name"]
        if name != name.lower():
            logger.warning('name "%s" should be all lowercase' % name)
        if dirname != name and not os.path.abspath(dxapp_json_filename).startswith("/tmp") \
                and not dirname.startswith("."):
            logger.warning('app name "%s" does not match containing directory "%s"' % (name, dirname))
    else:
        logger.warning('app is missing a name, please add one in the "name" field of dxapp.json')
    if "version" in app_spec and not dxpy.executable_builder.GLOBAL_EXEC_VERSION_RE.match(app_spec["version"]):
        logger.warning('"version" %s should be semver compliant (e.g. of the form X.Y.Z)' % app_spec["version"])
    # The server checks names too; checking here shows every bad name at once.
    _lint_fields(app_spec, "inputSpec", "input")
    _lint_fields(app_spec, "outputSpec", "output")


def _check_syntax(code, lang, temp_dir, enforce=True):
    """Check that *code* parses as *lang* (python2.7, python3 or bash)."""
    if lang == "python2.7" or "python3" in lang:
        basename = "inlined_code_from_dxapp_json.py"
    elif lang == "bash":
        basename = "inlined_code_from_dxapp_json.sh"
    else:
        raise ValueError('lang must be one of "python2.7", "python3", or "bash"')
    path = os.path.join(temp_dir, basename)
    with open(path, "w") as handle:
        handle.write(code)
    _check_file_syntax(path, temp_dir, override_lang=lang, enforce=enforce)


def _error_message_to_string(e, message):
    if isinstance(message, str):
        return message
    if isinstance(message, bytes):
        return message.decode("utf-8")
    raise e


def _check_python(filename, temp_dir):
    compiled = os.path.join(temp_dir, os.path.basename(filename) + ".pyc")
    try:
        py_compile.compile(filename, cfile=compiled, doraise=True)
    finally:
        if os.path.exists(compiled):
            os.unlink(compiled)


def _check_bash(filename, temp_dir):
    if platform.system() == "Windows":
        logger.warning("Skipping bash syntax check due to unavailability of bash on Windows.")
        return
    subprocess.check_output(["/bin/bash", "-n", filename], stderr=subprocess.STDOUT)


def _check_file_syntax(filename, temp_dir, override_lang=None, enforce=True):
    """Check that the file parses, in *override_lang* or in the language its extension says
    (other files are not checked). IOError when it cannot be read; DXSyntaxError for a syntax
    error when *enforce* (a Python file whose shebang does not say python3 is not enforced)."""
    python_unsure = False
    if override_lang == "python3" or (override_lang == "python2.7" and USING_PYTHON2):
        checker = _check_python
    elif override_lang == "bash":
        checker = _check_bash
    elif filename.endswith(".py"):
        checker = _check_python
        with open(filename) as handle:
            if "python3" not in handle.readline():
                enforce, python_unsure = False, True
    elif filename.endswith(".sh"):
        checker = _check_bash
    else:
        return
    open(filename).close()  # a missing or unreadable file raises IOError here
    try:
        checker(filename, temp_dir)
    except subprocess.CalledProcessError as error:
        print(filename + " has a syntax error! Interpreter output:", file=sys.stderr)
        for line in _error_message_to_string(error, error.output).strip("\n").split("\n"):
            print("  " + line.rstrip("\n"), file=sys.stderr)
        if enforce:
            raise DXSyntaxError(filename + " has a syntax error")
    except py_compile.PyCompileError as error:
        if python_unsure:
            print("Unsure if " + filename + " is using Python 2 or Python 3, the following error might not be relevant",
                  file=sys.stderr)
        print(filename + " has a syntax error! Interpreter output:", file=sys.stderr)
        print("  " + _error_message_to_string(error, error.msg).strip(), file=sys.stderr)
        if enforce:
            raise DXSyntaxError(error.msg.strip())


def _get_all_cluster_bootstrap_script_names(manifest):
    """The bootstrap scripts of every region's clusterSpec (refused in runSpec.systemRequirements)."""
    for requirements in manifest["runSpec"].get("systemRequirements", {}).values():
        if "clusterSpec" in requirements:
            raise AppBuilderException(
                '"clusterSpec" in "runSpec.systemRequirements" is not accepted. It must be specified in '
                '"systemRequirements" under the "regionalOptions" field in all enabled regions of the app.')
    names = []
    for options in manifest.get("regionalOptions", {}).values():
        for requirements in options.get("systemRequirements", {}).values():
            script = requirements.get("clusterSpec", {}).get("bootstrapScript")
            if script is not None:
                names.append(script)
    return names


def _verify_run_spec(manifest, src_dir, temp_dir, enforce):
    run_spec = manifest["runSpec"]
    for field, message in (("interpreter", "runSpec.interpreter field was not present"),
                           ("distribution", "Required field runSpec.distribution is not present"),
                           ("release", "Required field runSpec.release is not present")):
        if field not in run_spec:
            raise AppBuilderException(message)
    interpreter = run_spec["interpreter"]
    if interpreter in ("python2.7", "bash", "python3"):
        if "file" in run_spec:
            entry_point = os.path.abspath(os.path.join(src_dir, run_spec["file"]))
            try:
                _check_file_syntax(entry_point, temp_dir, override_lang=interpreter, enforce=enforce)
            except IOError as error:
                raise AppBuilderException('Could not open runSpec.file=%r. The problem was: %s' % (entry_point, error))
            except DXSyntaxError:
                raise AppBuilderException('Entry point file %s has syntax errors, see above for details. Rerun with '
                                          '--no-check-syntax to proceed anyway.' % entry_point)
        elif "code" in run_spec:
            try:
                _check_syntax(run_spec["code"], interpreter, temp_dir, enforce=enforce)
            except DXSyntaxError:
                raise AppBuilderException('Code in runSpec.code has syntax errors, see above for details. Rerun with '
                                          '--no-check-syntax to proceed anyway.')
        for script in _get_all_cluster_bootstrap_script_names(manifest):
            path = os.path.abspath(os.path.join(src_dir, script))
            try:
                _check_file_syntax(path, temp_dir, override_lang=interpreter, enforce=enforce)
            except IOError as error:
                raise AppBuilderException('Could not open cluster bootstrap script %r. The problem was: %s'
                                          % (path, error))
            except DXSyntaxError:
                raise AppBuilderException('Code in cluster bootstrapScript %r has syntax errors, see above for '
                                          'details. Rerun with --no-check-syntax to proceed anyway.' % script)
    if "execDepends" in run_spec:
        depends = run_spec["execDepends"]
        if not isinstance(depends, list):
            raise AppBuilderException("Expected runSpec.execDepends to be an array. Rerun with --no-check-syntax to "
                                      "proceed anyway.")
        if not all(isinstance(dep, dict) for dep in depends):
            raise AppBuilderException("Expected runSpec.execDepends to be an array of hashes. Rerun with "
                                      "--no-check-syntax to proceed anyway.")
        if any(dep.get("package_manager", "apt") != "apt" for dep in depends) and \
                (not isinstance(manifest.get("access"), dict) or "network" not in manifest["access"]):
            raise AppBuilderException("\n".join([
                "runSpec.execDepends specifies non-APT dependencies, but no network access spec is given.",
                'Add {"access": {"network": ["*"]}} to allow dependencies to install.',
                "See https://documentation.dnanexus.com/developer/apps/execution-environment#network-access.",
                "Rerun with --no-check-syntax to proceed anyway."]))


def _check_resources_syntax(src_dir, temp_dir):
    """Warn (only) about files under resources/ that do not parse as their extension says: the
    app may run them with another interpreter, or not at all."""
    bad = []
    for dirpath, _dirnames, filenames in os.walk(os.path.abspath(os.path.join(src_dir, "resources"))):
        for filename in filenames:
            if filename.startswith("._"):  # macOS resource forks look like the file they belong to
                continue
            path = os.path.join(dirpath, filename)
            try:
                _check_file_syntax(path, temp_dir, enforce=True)
            except IOError as error:
                raise AppBuilderException('Could not open file in resources directory %r. The problem was: %s'
                                          % (path, error))
            except DXSyntaxError:
                bad.append(path)
    if bad:
        others = len(bad) - 1
        shown = bad[0] if not others else "%s and %d other file%s" % (bad[0], others, "s" if others > 1 else "")
        logger.warning("%s contained syntax errors, see above for details" % shown)


def _verify_app_source_dir_impl(src_dir, temp_dir, mode, enforce=True):
    _lint(os.path.join(src_dir, "dxapp.json"), mode)
    with open(os.path.join(src_dir, "dxapp.json")) as handle:
        manifest = json.load(handle)
    if "runSpec" in manifest:
        _verify_run_spec(manifest, src_dir, temp_dir, enforce)
    if "authorizedUsers" in manifest:
        users = manifest["authorizedUsers"]
        if not isinstance(users, list):
            raise AppBuilderException("Expected authorizedUsers to be a list of strings")
        for user in users:
            if user != "PUBLIC" and (not isinstance(user, str) or not re.match("^(org-|user-)", user)):
                raise AppBuilderException('authorizedUsers field contains an entry which is not either the string '
                                          '"PUBLIC" or a user or org ID')
    if "pricingPolicy" in manifest:
        raise AppBuilderException('"pricingPolicy" at the top level is not accepted. It must be specified under the '
                                  '"regionalOptions" field in all enabled regions of the app')
    _check_resources_syntax(src_dir, temp_dir)


def _verify_app_source_dir(src_dir, mode, enforce=True):
    """Lint and syntax checks of a source directory whose dxapp.json parses."""
    temp_dir = tempfile.mkdtemp(prefix="dx-build_tmp")
    try:
        _verify_app_source_dir_impl(src_dir, temp_dir, mode, enforce=enforce)
    finally:
        shutil.rmtree(temp_dir)


def _parse_app_spec(src_dir):
    """The parsed dxapp.json of *src_dir* (no repeated keys)."""
    if not os.path.isdir(src_dir):
        parser.error("%s is not a directory" % src_dir)
    path = os.path.join(src_dir, "dxapp.json")
    if not os.path.exists(path):
        raise AppBuilderException("Directory %s does not contain dxapp.json: not a valid DNAnexus app source directory"
                                  % src_dir)
    with open(path) as handle:
        try:
            return json_load_raise_on_duplicates(handle)
        except Exception as error:
            raise AppBuilderException("Could not parse dxapp.json file as JSON: " + str(error.args))


# -- remote builds -----------------------------------------------------------------------------

def _remote_builder(mode, app_spec):
    builder = "app-tarball_app_builder" if mode == "app" else "app-tarball_applet_builder"
    run_spec = app_spec["runSpec"]
    release = run_spec.get("release")
    if release == "16.04" and run_spec.get("version", "0") == "1":
        return builder + "_xenial_v1"
    return builder + _REMOTE_BUILDER_SUFFIX.get(release, "")


def _pack_source_dir(src_dir, tarball):
    """``tar -czf`` of *src_dir* (without .git) into *tarball*, telling the user when it takes long."""
    started, announced = time.time(), False
    with open(tarball, "wb") as output:
        tar = subprocess.Popen(["tar", "-czf", "-", "--exclude", "./.git", "."], cwd=src_dir, stdout=output)
        while tar.poll() is None:
            time.sleep(0.1)
            if not announced and time.time() - started > 1.0:
                sys.stderr.write("Compressing target directory %s...\n" % src_dir)
                announced = True
    if tar.returncode != 0:
        raise Exception("tar exited with non-zero exit code " + str(tar.returncode))


def _remote_build_options(mode, app_spec, src_dir, version_override, bill_to_override, do_version_autonumbering,
                          do_try_update, do_parallel_build, do_check_syntax):
    options = {}
    if version_override:
        options["version_override"] = version_override
    elif do_version_autonumbering:
        # The builder does not see .git: choose the autonumbered version here.
        version = app_spec["version"]
        try:
            existing = dxpy.api.app_describe("app-" + app_spec["name"], alias=version, always_retry=False)
        except dxpy.exceptions.DXAPIError as error:
            if not (error.name == "ResourceNotFound" or (mode == "applet" and error.name == "PermissionDenied")):
                raise
            existing = None
        if existing is not None and ("published" in existing or not do_try_update):
            options["version_override"] = version + _get_version_suffix(src_dir, version)
    if bill_to_override:
        options["bill_to_override"] = bill_to_override
    for name, value in (("do_version_autonumbering", do_version_autonumbering), ("do_try_update", do_try_update),
                        ("do_parallel_build", do_parallel_build), ("do_check_syntax", do_check_syntax)):
        if not value:
            options[name] = False
    return options


def _build_app_remote(mode, src_dir, publish=False, destination_override=None, version_override=None,
                      bill_to_override=None, do_version_autonumbering=True, do_try_update=True,
                      do_parallel_build=True, do_check_syntax=True, region=None, watch=True):
    """Upload *src_dir* as a tarball and build it with DNAnexus's builder app; the applet ID
    (None for an app)."""
    app_spec = _parse_app_spec(src_dir)
    builder = _remote_builder(mode, app_spec)
    build_options = _remote_build_options(mode, app_spec, src_dir, version_override, bill_to_override,
                                          do_version_autonumbering, do_try_update, do_parallel_build, do_check_syntax)
    dest_folder = None
    temporary = mode == "app"
    if mode == "applet":
        build_project = dxpy.WORKSPACE_ID
        if destination_override:
            build_project, dest_folder, dest_name = parse_destination(destination_override)
            if dest_name:
                build_options["destination_override"] = "/" + dest_name
        if build_project is None:
            parser.error(_NO_DESTINATION)
    else:
        try:
            build_project = _create_temporary_build_project("dx-build-app --remote temporary project",
                                                            bill_to=bill_to_override, region=region)
        except Exception:
            err_exit()
    temp_dir = tempfile.mkdtemp()
    try:
        src_dir = os.path.realpath(src_dir)
        tarball = os.path.join(temp_dir, "app_tarball.tar.gz")
        _pack_source_dir(src_dir, tarball)
        dxpy.set_workspace_id(build_project)
        remote_file = dxpy.upload_local_file(tarball, media_type="application/gzip", wait_on_close=True,
                                             show_progress=True)
        try:
            build_input = {"input_file": dxpy.dxlink(remote_file), "build_options": build_options}
            if mode == "app":
                build_input["publish"] = publish
            run_input = {"name": "Remote build of %s" % os.path.basename(src_dir), "input": build_input,
                         "project": build_project}
            if dest_folder:
                run_input["folder"] = dest_folder
            job_id = dxpy.api.app_run(builder, input_params=run_input)["id"]
            print("Started builder job %s" % job_id)
            if watch:
                watched = subprocess.call([sys.executable, "-m", "dxpy.scripts.dx", "watch", job_id])
                if watched == 3:
                    sys.exit(3)  # the job log says why
            dxpy.DXJob(job_id).wait_on_done(interval=1)
            if mode == "applet":
                return dxpy.get_dxlink_ids(dxpy.api.job_describe(job_id)["output"]["output_applet"])[0]
            return None
        finally:
            if not temporary:
                dxpy.DXProject(build_project).remove_objects([remote_file.get_id()])
    finally:
        if temporary:
            dxpy.api.project_destroy(build_project, {"terminateJobs": True})
        shutil.rmtree(temp_dir)


# -- local builds ------------------------------------------------------------------------------

def _report_app(app_id, publish, brief):
    described = dxpy.api.app_describe(app_id)
    if not brief:
        if publish:
            logger.info("Uploaded and published app %s/%s (%s) successfully"
                        % (described["name"], described["version"], app_id))
        else:
            logger.info("Uploaded app %s/%s (%s) successfully" % (described["name"], described["version"], app_id))
            logger.info("You can publish this app with: dx publish {n}/{v}".format(n=described["name"],
                                                                                    v=described["version"]))
    return described


def build_app_from(applet_desc, version, publish=False, do_try_update=True, bill_to_override=None,
                   return_object_dump=False, confirm=True, brief=False, **kwargs):
    """Create an app from an existing applet (its describe *applet_desc*), enabled in the
    applet's region, trying the versions of the list *version*. ``{"id": app ID}``, or the app's
    describe with *return_object_dump*."""
    applet_id, app_name = applet_desc["id"], applet_desc["name"]
    dxpy.executable_builder.verify_developer_rights("app-" + app_name)
    if not brief:
        logger.info("Will create app from the applet: %s (%s)" % (app_name, applet_id))
    regional_options = {_project_region(applet_desc["project"]): {"applet": applet_id}}
    # app/new does not take these from the applet; the documentation ones may not be empty.
    inherited = {field: applet_desc[field] for field in ("summary", "title", "description", "developerNotes",
                                                          "details", "access", "ignoreReuse") if field in applet_desc}
    for field in ("summary", "title", "description", "developerNotes"):
        if not inherited.get(field):
            inherited[field] = app_name
    app_id = dxpy.app_builder.create_app_multi_region(
        regional_options, app_name, None, publish=publish, set_default=publish, billTo=bill_to_override,
        try_versions=version, try_update=do_try_update, confirm=confirm, inherited_metadata=inherited, brief=brief)
    described = _report_app(app_id, publish, brief)
    return described if return_object_dump else {"id": app_id}


def _build_projects(mode, app_json, enabled_regions, destination_override, use_temp_build_project, bill_to_override,
                    dry_run, kwargs):
    """Where the applets are built: ({region: project}, temporary?, folder, applet name)."""
    if mode == "applet" and destination_override:
        project, folder, name = parse_destination(destination_override)
        if kwargs.get("name"):
            if name:
                logger.warning('Name of the applet is set in both destination and extra args! "{}" will be used!'
                               .format(kwargs.get("name")))
            name = kwargs.get("name")
        return {_project_region(project): project}, False, folder, name
    if mode == "app" and use_temp_build_project and not dry_run:
        projects = {}
        if enabled_regions is not None:
            try:
                for region in enabled_regions:
                    projects[region] = _create_temporary_build_project(
                        "Temporary build project for dx-build-app in {r}".format(r=region),
                        bill_to=bill_to_override, region=region)
                    logger.debug("Created temporary project %s to build in" % projects[region])
            except Exception:
                # Creating a project can be refused in a region the user may not use.
                dxpy.executable_builder.delete_temporary_projects(list(projects.values()))
                err_exit()
        else:
            try:
                project = _create_temporary_build_project("Temporary build project for dx-build-app",
                                                          bill_to=bill_to_override)
            except Exception:
                err_exit()
            projects[_project_region(project)] = project
            logger.debug("Created temporary project %s to build in" % project)
        return projects, True, None, None
    if mode == "app" and not dry_run:
        try:
            project = app_json.get("project", dxpy.WORKSPACE_ID)
            return {_project_region(project): project}, False, None, None
        except Exception:
            err_exit()
    return None, False, None, None


def _refuse_existing_applet(app_json, src_dir, project, folder, name):
    """Refuse, before anything is uploaded, an applet whose name is taken in its folder."""
    dest_name = name or app_json.get("name") or os.path.basename(os.path.abspath(src_dir))
    dest_folder = folder or app_json.get("folder") or "/"
    if not dest_folder.endswith("/"):
        dest_folder += "/"
    for result in dxpy.find_data_objects(classname="applet", name=dest_name, folder=dest_folder, project=project,
                                         recurse=False):
        raise AppBuilderException("An applet already exists at {} (id {}) and neither -f/--overwrite nor "
                                  "-a/--archive were given.".format(dest_folder + dest_name, result["id"]))


def _app_regional_options(app_json, applet_ids_by_region):
    extra_resources = {}
    if "regionalOptions" in app_json:
        for region, config in app_json["regionalOptions"].items():
            if "resources" in config:
                extra_resources[region] = config["resources"]
    elif "resources" in app_json:
        extra_resources[next(iter(applet_ids_by_region))] = app_json["resources"]
    options = {}
    for region, applet_id in applet_ids_by_region.items():
        options[region] = {"applet": applet_id}
        if region in extra_resources:
            options[region]["resources"] = extra_resources[region]
    for region, config in app_json.get("regionalOptions", {}).items():
        if "pricingPolicy" in config:
            options[region]["pricingPolicy"] = config["pricingPolicy"]
    return options


def build_and_upload_locally(src_dir, mode, overwrite=False, archive=False, publish=False, destination_override=None,
                             version_override=None, bill_to_override=None, use_temp_build_project=True,
                             do_parallel_build=True, do_version_autonumbering=True, do_try_update=True,
                             do_check_syntax=True, dry_run=False, return_object_dump=False, confirm=True,
                             ensure_upload=False, force_symlinks=False, region=None, brief=False, resources_dir=None,
                             worker_resources_subpath="", **kwargs):
    """Build *src_dir* here and create its applet (*mode* ``applet``) or app (``app``: an applet
    per enabled region, in temporary projects, then the app). ``{"id": ID}``, the describe with
    *return_object_dump*, or None with *dry_run*. *kwargs* are merged into the applet spec."""
    dxpy.app_builder.build(src_dir, parallel_build=do_parallel_build)
    app_json = _parse_app_spec(src_dir)
    _check_suggestions(app_json, publish=publish)
    _verify_app_source_dir(src_dir, mode, enforce=do_check_syntax)
    if mode == "app" and not dry_run:
        dxpy.executable_builder.verify_developer_rights("app-" + app_json["name"])

    enabled_regions = dxpy.app_builder.get_enabled_regions(app_json, region)
    if enabled_regions is not None and len(enabled_regions) > 1 and not use_temp_build_project:
        raise AppBuilderException("Cannot specify --no-temp-build-project when building multi-region apps")

    projects_by_region, using_temp_project, override_folder, override_name = _build_projects(
        mode, app_json, enabled_regions, destination_override, use_temp_build_project, bill_to_override, dry_run,
        kwargs)
    try:
        if mode == "applet":
            working_project = next(iter(projects_by_region.values())) if projects_by_region else None
            if working_project is None and dxpy.WORKSPACE_ID is None:
                parser.error(_NO_DESTINATION)
            dest_project = working_project or dxpy.WORKSPACE_ID or app_json.get("project", False)
            try:
                projects_by_region = {_project_region(dest_project): dest_project}
            except Exception:
                err_exit()
            if not overwrite and not archive:
                _refuse_existing_applet(app_json, src_dir, dest_project, override_folder, override_name)
        if dry_run:
            # Placeholders, so that the dry run goes through the same steps.
            projects_by_region = {"dummy-cloud:dummy-region": "project-dummy"}
        if projects_by_region is None:
            raise AssertionError("'projects_by_region' should not be None at this point")
        if "resources" in app_json and ("regionalOptions" in app_json or len(projects_by_region) > 1):
            raise AppBuilderException('dxapp.json cannot contain a top-level "resources" field when the '
                                      '"regionalOptions" field is used or when the app is enabled in multiple regions')

        bundles = {}
        for each_region, project in projects_by_region.items():
            bundles[each_region] = [] if dry_run else dxpy.app_builder.upload_resources(
                src_dir, project=project, folder=override_folder, ensure_upload=ensure_upload,
                force_symlinks=force_symlinks, brief=brief, resources_dir=resources_dir,
                worker_resources_subpath=worker_resources_subpath)

        applet_ids_by_region = {}
        try:
            for each_region, project in projects_by_region.items():
                applet_id, applet_spec = dxpy.app_builder.upload_applet(
                    src_dir, bundles[each_region], check_name_collisions=(mode == "applet"),
                    overwrite=overwrite and mode == "applet", archive=archive and mode == "applet", project=project,
                    override_folder=override_folder, override_name=override_name, dry_run=dry_run, brief=brief,
                    **kwargs)
                if not dry_run:
                    logger.debug("Created applet " + applet_id + " successfully")
                applet_ids_by_region[each_region] = applet_id
        except BaseException:
            # Leave no resources bundle behind (a temporary project goes as a whole).
            if not using_temp_project:
                for each_region, project in projects_by_region.items():
                    leftovers = [dxpy.get_dxlink_ids(bundle["id"])[0] for bundle in bundles.get(each_region, [])]
                    if leftovers:
                        dxpy.api.project_remove_objects(
                            dxpy.app_builder.get_destination_project(src_dir, project=project),
                            input_params={"objects": leftovers})
            raise

        if dry_run:
            return None
        if mode == "applet":
            return dxpy.api.applet_describe(applet_id) if return_object_dump else {"id": applet_id}
        if mode != "app":
            raise AppBuilderException("Unrecognized mode %r" % (mode,))

        if "version" not in app_json:
            parser.error('dxapp.json contains no "version" field, but it is required to build an app')
        version = app_json["version"]
        try_versions = [version_override or version]
        if not version_override and do_version_autonumbering:
            try_versions.append(version + _get_version_suffix(src_dir, version))
        app_id = dxpy.app_builder.create_app_multi_region(
            _app_regional_options(app_json, applet_ids_by_region), applet_spec["name"], src_dir, publish=publish,
            set_default=publish, billTo=bill_to_override, try_versions=try_versions, try_update=do_try_update,
            confirm=confirm, brief=brief)
        described = _report_app(app_id, publish, brief)
        return described if return_object_dump else {"id": app_id}
    finally:
        if using_temp_project:
            dxpy.executable_builder.delete_temporary_projects(list(projects_by_region.values()))


# -- the dx build command ----------------------------------------------------------------------

def _build_nextflow_remotely(args, extra_args):
    """Build a Nextflow pipeline with the Nextflow Pipeline Importer app: from a Git repository,
    or from the local source uploaded under ``.nf_source`` of the destination."""
    source = args.repository
    if not args.repository and args.src_dir:
        logger.info("Building nextflow pipeline with the Nextflow Pipeline Importer app. "
                    "Uploading the local nextflow source to the platform")
        dest_project = get_project_to_check(args.destination, extra_args)
        dest_folder = parse_destination(args.destination)[1] or ""
        upload_dir = os.path.join(dest_folder, ".nf_source").strip("/")
        upload_dest = ":".join([dest_project, "/" + upload_dir + "/"])
        exists = False
        try:
            exists = check_folder_exists(project=dest_project, path="/" + upload_dir,
                                         folder_name=os.path.basename(args.src_dir))
        except ResolutionError:
            logger.info("Destination folder {} does not exist. Creating and uploading the pipeline source."
                        .format(upload_dest))
        if exists:
            raise AppBuilderException("Folder {} exists in the project {}. Remove the directory to avoid file "
                                      "duplication and retry".format(os.path.join(upload_dir,
                                                                                  os.path.basename(args.src_dir)),
                                                                     dest_project))
        subprocess.check_output([sys.executable, "-m", "dxpy.scripts.dx", "upload", args.src_dir, "-r", "-o",
                                 upload_dest, "-p"])
        source = os.path.join(upload_dest, os.path.basename(args.src_dir))
    return build_pipeline_with_npi(repository=source, tag=args.tag, cache_docker=args.cache_docker,
                                   docker_secrets=args.docker_secrets,
                                   nextflow_pipeline_params=args.nextflow_pipeline_params, profile=args.profile,
                                   git_creds=args.git_credentials, brief=args.brief, destination=args.destination,
                                   extra_args=extra_args, nextflow_version=args.nextflow_version)


def _refuse_remote_conflicts(args):
    what = "--cache-docker" if args.cache_docker else "--remote and --repository"
    for given, option in ((args.dry_run, "--dry-run"), (args.overwrite, "--overwrite/-f"),
                          (args.archive, "--archive/-a"), (args.json, "--json"),
                          (not args.use_temp_build_project, "--no-temp-build-project")):
        if given:
            parser.error("{} cannot be combined with {}".format(what, option))
    if isinstance(args.region, list) and len(args.region) > 1:
        parser.error("--region can only be specified once for remote builds")


def _build_app(args, extra_args):
    """Build the app or applet of *args*; its ID (None for a dry run or a remote app build)."""
    if args.nextflow:
        verify_nf_license(args.destination, extra_args)
    # Builds from a repository or with cached images run in the importer app, never inside it.
    with_importer = bool(args.repository or args.cache_docker) and not is_importer_job()
    source_dir, resources_dir, subpath = args.src_dir, None, ""
    if args.nextflow and not with_importer:
        raise AppBuilderException("Building a Nextflow pipeline from a local directory is not available in this "
                                  "version of dx; build it with --repository, or with --remote")
    if args._from:
        output = build_app_from(args._from, [args.version_override], publish=args.publish, do_try_update=args.update,
                                bill_to_override=args.bill_to, confirm=args.confirm, return_object_dump=args.json,
                                brief=args.brief, **extra_args)
        if output is not None and args.run is None:
            print(json.dumps(output))
        return output["id"]
    if not args.remote and not with_importer:
        output = build_and_upload_locally(
            source_dir, args.mode, overwrite=args.overwrite, archive=args.archive, publish=args.publish,
            destination_override=args.destination, version_override=args.version_override,
            bill_to_override=args.bill_to, use_temp_build_project=args.use_temp_build_project,
            do_parallel_build=args.parallel_build, do_version_autonumbering=args.version_autonumbering,
            do_try_update=args.update, do_check_syntax=args.check_syntax, ensure_upload=args.ensure_upload,
            force_symlinks=args.force_symlinks, dry_run=args.dry_run, confirm=args.confirm,
            return_object_dump=args.json, region=args.region, brief=args.brief, resources_dir=resources_dir,
            worker_resources_subpath=subpath, **extra_args)
        if output is not None and args.run is None:
            print(json.dumps(output))
        return None if args.dry_run else output["id"]

    _refuse_remote_conflicts(args)
    if args.nextflow and with_importer:
        return _build_nextflow_remotely(args, extra_args)
    region = args.region[0] if args.region is not None else None
    more = {}
    if args.version_override:
        more["version_override"] = args.version_override
    if args.bill_to:
        more["bill_to_override"] = args.bill_to
    for attribute, keyword in (("version_autonumbering", "do_version_autonumbering"), ("update", "do_try_update"),
                               ("parallel_build", "do_parallel_build"), ("check_syntax", "do_check_syntax")):
        if not getattr(args, attribute):
            more[keyword] = False
    app_json = _parse_app_spec(source_dir)
    _check_suggestions(app_json, publish=args.publish)
    _verify_app_source_dir(source_dir, args.mode)
    if args.mode == "app" and not args.dry_run:
        dxpy.executable_builder.verify_developer_rights("app-" + app_json["name"])
    return _build_app_remote(args.mode, source_dir, destination_override=args.destination, publish=args.publish,
                             region=region, watch=args.watch, **more)


def _run_built(executable_id, run_args):
    """``dx run EXECUTABLE --priority high RUN_ARGS``, in this process; exits with its status."""
    from ..cli import registry
    argv = ["run", executable_id, "--priority", "high"] + list(run_args)
    run_parser = registry.build_parser(argv)
    parsed = run_parser.parse_args(argv)
    parsed.func(parsed)


def build(args):
    """Run ``dx build`` of an app or applet for the parsed *args*; exits 3 on a build error."""
    try:
        process_extra_args(args)
        executable_id = _build_app(args, args.extra_args or {})
    except AppBuilderException as error:
        # Errors the user could have seen coming: dxpy prints their args tuple.
        print("Error: %s" % (error.args,), file=sys.stderr)
        sys.exit(3)
    except dxpy.exceptions.DXAPIError as error:
        print("Error: %s" % (error,), file=sys.stderr)
        sys.exit(3)
    if args.run is not None:
        if executable_id is None:
            raise AssertionError("Expected executable_id to be set here")
        _run_built(executable_id, args.run)


def main(**kwargs):
    """The old ``dx-build-app``/``dx-build-applet`` commands: they only say what replaced them."""
    program = sys.argv[0] if sys.argv else ""
    if program.endswith("dx-build-app"):
        logger.warning('Warning: dx-build-app has been replaced with "dx build --create-app". Please update your '
                       'scripts.')
    elif program.endswith("dx-build-applet"):
        logger.warning('Warning: dx-build-applet has been replaced with "dx build". Please update your scripts.')
    sys.exit(0)


if __name__ == "__main__":
    main()
