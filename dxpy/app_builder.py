"""Building applets and apps from a source directory (``dxapp.json``, code, ``resources/``).

The destination project of an applet and of its resources bundle is, first to last: the
*project* argument of :func:`upload_resources` / :func:`upload_applet`, the ``project`` of
``dxapp.json``, the workspace (``DX_WORKSPACE_ID`` inside a job, else the project context).
:func:`get_destination_project` tells which.
"""
import datetime
import gzip
import hashlib
import json
import logging
import os
import shutil
import stat
import subprocess
import sys
import tarfile
import tempfile

import dxpy
import dxpy.executable_builder
from .cli import INTERACTIVE_CLI
from .utils import merge
from .utils.printing import fill

logger = logging.getLogger("dxpy")

NUM_CORES = os.cpu_count() or 1

DX_TOOLKIT_PKGS = ("dx-toolkit",)
DX_TOOLKIT_GIT_URLS = ("git@github.com:dnanexus/dx-toolkit.git",)

_MAKEFILE_NAMES = ("Makefile", "makefile", "GNUmakefile")
APPLET_ARCHIVE_FOLDER = "/.Applet_archive"


class AppBuilderException(Exception):
    """An app or applet cannot be built, for a reason the user can fix (exit code 3 in dx)."""


# -- reading and checking dxapp.json ------------------------------------------------------------

def _validate_system_requirements(system_requirements):
    """instanceTypeSelector excludes instanceType and clusterSpec in one entry point."""
    if not isinstance(system_requirements, dict):
        return
    for entry_point, requirements in system_requirements.items():
        if not isinstance(requirements, dict) or "instanceTypeSelector" not in requirements:
            continue
        for other in ("instanceType", "clusterSpec"):
            if other in requirements:
                first, second = ("instanceType", "instanceTypeSelector") if other == "instanceType" \
                    else ("instanceTypeSelector", "clusterSpec")
                raise AppBuilderException(
                    "{} and {} keywords are mutually exclusive in systemRequirements for entry point '{}'"
                    .format(first, second, entry_point))


def _validate_all_system_requirements(spec):
    _validate_system_requirements(spec.get("runSpec", {}).get("systemRequirements"))
    regional_options = spec.get("regionalOptions", {})
    if isinstance(regional_options, dict):
        for options in regional_options.values():
            if isinstance(options, dict):
                _validate_system_requirements(options.get("systemRequirements"))


def _read_spec(src_dir):
    with open(os.path.join(src_dir, "dxapp.json")) as handle:
        return json.load(handle)


def _get_applet_spec(src_dir):
    spec = _read_spec(src_dir)
    if "runSpec" not in spec:
        raise AppBuilderException("Required field 'runSpec' not found in dxapp.json")
    _validate_all_system_requirements(spec)
    spec.setdefault("project", dxpy.WORKSPACE_ID)
    return spec


def _get_app_spec(src_dir):
    spec = _read_spec(src_dir)
    _validate_all_system_requirements(spec)
    return spec


# -- building ----------------------------------------------------------------------------------

def build(src_dir, parallel_build=True):
    """Run the build of *src_dir*: ``./configure`` when it is there and executable, then ``make``
    (``make -jN``, N the CPU count, with *parallel_build*) when there is a makefile."""
    configure = os.path.join(src_dir, "configure")
    if os.path.isfile(configure) and os.access(configure, os.X_OK):
        logger.debug("Running ./configure in %s", os.path.abspath(src_dir))
        try:
            subprocess.check_call([configure])
        except subprocess.CalledProcessError as error:
            raise AppBuilderException("./configure in target directory failed with exit code %d" % error.returncode)
    if any(os.path.isfile(os.path.join(src_dir, name)) for name in _MAKEFILE_NAMES):
        command = ["make", "-C", src_dir]
        shown = "make"
        if parallel_build:
            command.append("-j%d" % NUM_CORES)
            shown = "make -j%d" % NUM_CORES
        logger.debug("Building with %s in %s", shown, os.path.abspath(src_dir))
        try:
            subprocess.check_call(command)
        except subprocess.CalledProcessError as error:
            raise AppBuilderException("%s in target directory failed with exit code %d" % (shown, error.returncode))


def get_destination_project(src_dir, project=None):
    """The project an applet of *src_dir* (and its resources bundle) would be written to."""
    if project is not None:
        return project
    return _get_applet_spec(src_dir)["project"]


# -- the resources bundle ----------------------------------------------------------------------

def is_link_local(link_target):
    """Whether a symbolic link to *link_target* (as ``os.readlink`` gives it) stays inside the
    directory holding it: a relative target that never climbs above its starting point."""
    if os.path.isabs(link_target):
        return False
    depth = 0
    for part in link_target.split(os.sep):
        if part == os.pardir:
            depth -= 1
            if depth < 0:
                return False
        elif part not in ("", os.curdir):
            depth += 1
    return True


def _fix_perms(mode):
    """*mode* after ``chmod a+rX``: readable by all, executable by all when the owner may execute."""
    mode |= stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH
    if mode & stat.S_IXUSR:
        mode |= stat.S_IXGRP | stat.S_IXOTH
    return mode


def _fix_perm_filter(tar_info):
    tar_info.mode = _fix_perms(tar_info.mode)
    return tar_info


def _checksum_entry(path, file_stat):
    """One entry of the bundle checksum: path, mode (after a+rX) and mtime in ms, each ended by NUL."""
    fields = [path, str(_fix_perms(file_stat.st_mode)), str(int(file_stat.st_mtime * 1000))]
    return b"".join(field.encode("utf-8") + b"\0" for field in fields)


def _pack_resources(resources_dir, tar_handle, force_symlinks, worker_resources_subpath):
    """Write *resources_dir* into *tar_handle* (an open tar) in a fixed order; return the SHA1
    hex digest of its entries. Links that leave the directory are followed (a file) or refused
    (a directory, or a broken link), unless *force_symlinks* keeps them as links."""
    checksum = hashlib.sha1()
    for dirname, subdirs, files in os.walk(resources_dir):
        relative_dir = dirname[len(resources_dir):]
        if not relative_dir.startswith("/"):
            relative_dir = "/" + relative_dir
        checksum.update(_checksum_entry(relative_dir, os.lstat(dirname)))
        tar_handle.add(dirname, arcname=worker_resources_subpath + relative_dir, recursive=False,
                       filter=_fix_perm_filter)
        subdirs.sort()  # os.walk visits them in this order
        for subdir in list(subdirs):
            path = os.path.join(dirname, subdir)
            if os.path.islink(path):
                if force_symlinks or is_link_local(os.readlink(path)):
                    files.append(subdir)  # kept as a link, like a file
                else:
                    raise AppBuilderException(
                        "Cannot include symlinks to directories outside of the resource directory.  '%s' points to "
                        "directory '%s'" % (path, os.path.realpath(path)))
        for filename in sorted(files):
            relative_name = os.path.join(relative_dir, filename)
            path = os.path.join(dirname, filename)
            file_stat = os.lstat(path)
            source = path
            if os.path.islink(path) and not (force_symlinks or is_link_local(os.readlink(path))):
                try:
                    file_stat = os.stat(os.path.join(dirname, os.readlink(path)))
                except OSError:
                    raise AppBuilderException("Broken symlink: Link '%s' points to '%s', which does not exist"
                                              % (path, os.path.realpath(path)))
                source = os.path.realpath(path)
            checksum.update(_checksum_entry(relative_name, file_stat))
            tar_handle.add(source, arcname=worker_resources_subpath + relative_name, filter=_fix_perm_filter)
    return checksum.hexdigest()


def _find_bundle(project, folder, checksum):
    """A closed bundle with this checksum already in *project*:*folder*, or None."""
    return dxpy.find_one_data_object(project=project, folder=folder, properties={"resource_bundle_checksum": checksum},
                                     visibility="either", zero_ok=True, state="closed", return_handler=True)


def upload_resources(src_dir, project=None, folder='/', ensure_upload=False, force_symlinks=False, brief=False,
                     resources_dir=None, worker_resources_subpath=""):
    """Pack the resources directory (*resources_dir*, default ``src_dir/resources``) into a
    gzipped tarball uploaded as a hidden file, and return its ``bundledDepends`` entry as a
    one-element list (empty when there is nothing to pack).

    A bundle whose checksum (paths, modes and mtimes) matches one already in the destination
    folder is reused, unless *ensure_upload*. Files are unpacked on the worker under
    *worker_resources_subpath* (default: the root). Links to files outside the directory are
    followed, links to directories outside it refused, unless *force_symlinks*.
    """
    resources_dir = resources_dir or os.path.join(src_dir, "resources")
    spec = _get_applet_spec(src_dir)
    if project is not None:
        spec["project"] = project
    dest_project = spec["project"]
    if not os.path.exists(resources_dir) or not os.listdir(resources_dir):
        return []
    target_folder = spec.get("folder", folder)

    with tempfile.TemporaryDirectory(prefix="dx-build-resources") as work_dir:
        tar_path = os.path.join(work_dir, "resources.tar")
        with tarfile.open(tar_path, mode="w") as tar_handle:
            checksum = _pack_resources(resources_dir, tar_handle, force_symlinks, worker_resources_subpath)

        existing = None if ensure_upload else _find_bundle(dest_project, target_folder, checksum)
        if existing is not None:
            if not brief:
                logger.info("Found existing resource bundle that matches local resources directory: "
                            + existing.get_id())
            bundle_id = existing.get_id()
        else:
            logger.debug("Uploading in %s", src_dir)
            targz_path = os.path.join(work_dir, "resources.tar.gz")
            with open(tar_path, "rb") as plain, gzip.open(targz_path, "wb") as packed:
                shutil.copyfileobj(plain, packed)
            if "folder" in spec:
                try:
                    dxpy.get_handler(dest_project).new_folder(spec["folder"], parents=True)
                except dxpy.exceptions.DXAPIError:
                    pass  # already there; the upload says so if it cannot go there
            properties = {} if ensure_upload else {"resource_bundle_checksum": checksum}
            bundle_id = dxpy.upload_local_file(targz_path, wait_on_close=True, project=dest_project,
                                               folder=target_folder, hidden=True, properties=properties).get_id()
    return [{"name": "resources.tar.gz", "id": dxpy.dxlink(bundle_id)}]


# -- applets -----------------------------------------------------------------------------------

def _archive_applet(applet_id, dest_project, brief):
    """Move an applet into /.Applet_archive, its name suffixed with its creation time; its handler."""
    project = dxpy.DXProject(dest_project)
    try:
        project.list_folder(APPLET_ARCHIVE_FOLDER)
    except dxpy.DXAPIError:
        project.new_folder(APPLET_ARCHIVE_FOLDER)
    project.move(objects=[applet_id], destination=APPLET_ARCHIVE_FOLDER)
    archived = dxpy.DXApplet(applet_id, project=dest_project)
    created = datetime.datetime.fromtimestamp(archived.created / 1000).ctime()
    new_name = archived.name + " ({d})".format(d=created)
    archived.rename(new_name)
    if not brief:
        logger.info('Archived applet %s to %s:"%s/%s"' % (applet_id, dest_project, APPLET_ARCHIVE_FOLDER, new_name))
    return archived


def _apply_region(spec, region):
    """Carry the options of *region* from ``regionalOptions`` into ``runSpec``."""
    regional_options = spec.get("regionalOptions", {})
    if regional_options and region not in regional_options:
        raise AppBuilderException(
            'destination project is in region {} but "regionalOptions" do not contain this region. '
            'Please, update your "regionalOptions" specification'.format(region))
    options = regional_options.get(region, {})
    run_spec = spec["runSpec"]
    if "systemRequirements" in options:
        run_spec["systemRequirements"] = options["systemRequirements"]
    for field in ("bundledDepends", "assetDepends"):
        run_spec[field].extend(options.get(field, []))


def _inline_code(spec, src_dir):
    """runSpec.file becomes runSpec.code; cluster bootstrap scripts are inlined too."""
    run_spec = spec["runSpec"]
    if "file" in run_spec:
        with open(os.path.join(src_dir, run_spec["file"])) as handle:
            run_spec["code"] = handle.read()
        del run_spec["file"]
    for requirements in run_spec.get("systemRequirements", {}).values():
        script = requirements.get("clusterSpec", {}).get("bootstrapScript") if isinstance(requirements, dict) else None
        if script is None:
            continue
        try:
            with open(os.path.join(src_dir, script)) as handle:
                requirements["clusterSpec"]["bootstrapScript"] = handle.read()
        except IOError:
            raise AppBuilderException('The clusterSpec "bootstrapScript" could not be read.')


def _find_asset_record(asset):
    """(describe of the asset bundle record, its details) for one assetDepends entry, or (None, None)."""
    if "id" in asset:
        record = dxpy.DXRecord(asset["id"]).describe(fields={"details"}, default_fields=True)
        return record, (record or {}).get("details")
    if "name" in asset and asset.get("project") is not None and "version" in asset:
        folder = asset.get("folder", "/")
        try:
            found = dxpy.find_one_data_object(zero_ok=True, classname="record", typename="AssetBundle",
                                              name=asset["name"], properties={"version": asset["version"]},
                                              project=asset["project"], folder=folder, recurse=False,
                                              describe={"defaultFields": True, "fields": {"details": True}},
                                              state="closed", more_ok=False)
        except dxpy.exceptions.DXSearchError:
            raise AppBuilderException("Found more than one asset record that matches: name={0}, folder={1} in "
                                      "project={2}.".format(asset["name"], folder, asset["project"]))
        return found, (found or {}).get("describe", {}).get("details")
    raise AppBuilderException("Each runSpec.assetDepends element must have either {'id'} or "
                              "{'name', 'project' and 'version'} field(s).")


def _resolve_asset_depends(spec, dest_project, dry_run):
    """Turn each assetDepends entry into a bundledDepends entry for the asset's archive file,
    cloning the asset record into *dest_project* when it is elsewhere."""
    run_spec = spec["runSpec"]
    assets = run_spec["assetDepends"]
    if not isinstance(assets, list) or any(not isinstance(asset, dict) for asset in assets):
        raise AppBuilderException("Expected runSpec.assetDepends to be an array of objects")
    for asset in assets:
        record, details = _find_asset_record(asset)
        if not record:
            raise AppBuilderException("No asset bundle was found that matched the specification %s"
                                      % json.dumps(asset))
        if "archiveFileId" not in details:
            raise AppBuilderException("The required field 'archiveFileId' was not found in the details of the "
                                      "asset bundle %s " % record["id"])
        archive_file = details["archiveFileId"]
        depends = {"name": dxpy.DXFile(archive_file).describe()["name"], "id": archive_file}
        if asset.get("stages"):
            depends["stages"] = asset["stages"]
        run_spec["bundledDepends"].append(depends)
        if not dry_run and dxpy.DXRecord(dxid=record["id"], project=dest_project).describe()["project"] != dest_project:
            dxpy.DXRecord(record["id"], project=record["project"]).clone(dest_project)


def _applets_in_the_way(spec, dest_project, overwrite, archive, brief):
    """Applets of the same name in the destination folder: with *overwrite* their IDs (removed
    once the new one exists, so that shared resources are not collected in between), with
    *archive* they are archived now; otherwise the build is refused. (IDs, archived handler)."""
    folder = spec["folder"]
    path = folder + ("" if folder.endswith("/") else "/") + spec["name"]
    logger.debug("Checking for existing applet at %s", path)
    to_remove, archived = [], None
    for result in dxpy.find_data_objects(classname="applet", name=spec["name"], folder=folder, project=dest_project,
                                         recurse=False):
        if overwrite:
            to_remove.append(result["id"])
        elif archive:
            logger.debug("Archiving applet %s", result["id"])
            archived = _archive_applet(result["id"], dest_project, brief)
        else:
            raise AppBuilderException("An applet already exists at %s (id %s) and the --overwrite (-f) or --archive "
                                      "(-a) options were not given" % (path, result["id"]))
    return to_remove, archived


def upload_applet(src_dir, uploaded_resources, check_name_collisions=True, overwrite=False, archive=False,
                  project=None, override_folder=None, override_name=None, dry_run=False, brief=False, **kwargs):
    """Create the applet of *src_dir* (``dxapp.json`` with its code inlined, the region's options,
    *uploaded_resources* and the asset bundles as ``bundledDepends``, *kwargs* merged over all);
    return (applet ID, the spec sent). With *dry_run*, print the spec and return (None, None).

    *project*, *override_folder* and *override_name* replace what ``dxapp.json`` says. With
    *check_name_collisions*, an applet of the same name in the folder is removed (*overwrite*),
    archived (*archive*), or refuses the build.
    """
    spec = _get_applet_spec(src_dir)
    if project is not None:
        spec["project"] = project
    dest_project = spec["project"]
    spec.setdefault("name", os.path.basename(os.path.abspath(src_dir)))
    if override_folder:
        spec["folder"] = override_folder
    spec.setdefault("folder", "/")
    if override_name:
        spec["name"] = override_name
    spec.setdefault("dxapi", dxpy.API_VERSION)

    to_remove, archived = [], None
    if check_name_collisions and not dry_run:
        to_remove, archived = _applets_in_the_way(spec, dest_project, overwrite, archive, brief)

    spec["runSpec"].setdefault("bundledDepends", [])
    spec["runSpec"].setdefault("assetDepends", [])
    if not dry_run:
        region = dxpy.executable_builder.project_region(dest_project)
        _apply_region(spec, region)
    dxpy.executable_builder.inline_documentation_files(spec, src_dir)
    _inline_code(spec, src_dir)
    if uploaded_resources is not None:
        spec["runSpec"]["bundledDepends"].extend(uploaded_resources)
    _resolve_asset_depends(spec, dest_project, dry_run)
    merge(spec, kwargs)

    if dry_run:
        print("Would create the following applet:")
        print(json.dumps(spec, indent=2))
        print("*** DRY-RUN-- no applet was created ***")
        return None, None

    if spec.get("categories"):
        spec["tags"] = list(set(spec.get("tags", [])) | set(spec["categories"]))
    applet_id = dxpy.api.applet_new(spec)["id"]
    if archived is not None:
        archived.set_properties({"replacedWith": applet_id})
    if to_remove:
        if not brief:
            logger.info("Deleting applet(s) %s" % ",".join(to_remove))
        dxpy.DXProject(dest_project).remove_objects(to_remove)
    return applet_id, spec


# -- apps --------------------------------------------------------------------------------------

_VERSION_TAKEN = "Specified name and version conflict with an existing alias"


def _create_or_update_version(app_name, version, app_spec, try_update=True):
    """A new version of the app; the ID, or None when that version exists and is published
    (someone may have created it since we looked)."""
    try:
        return dxpy.api.app_new(app_spec)["id"]
    except dxpy.exceptions.DXAPIError as error:
        if error.name != "InvalidInput" or error.msg != _VERSION_TAKEN:
            raise
    print("App %s/%s already exists" % (app_spec["name"], version), file=sys.stderr)
    if dxpy.api.app_describe("app-" + app_name, alias=version).get("published", 0) > 0:
        return None
    return _update_version(app_name, version, app_spec, try_update=try_update)


def _update_version(app_name, version, app_spec, try_update=True):
    """Update an unpublished version in place; its ID, or None when it is published (or
    *try_update* is off)."""
    if not try_update:
        return None
    try:
        return dxpy.api.app_update("app-" + app_name, version, app_spec)["id"]
    except dxpy.exceptions.DXAPIError as error:
        if error.name != "InvalidState":
            raise
    print("App %s/%s has already been published" % (app_spec["name"], version), file=sys.stderr)
    return None


def create_app_multi_region(regional_options, app_name, src_dir, publish=False, set_default=False, billTo=None,
                            try_versions=None, try_update=True, confirm=True, inherited_metadata={}, brief=False):
    """Create (or update, when unpublished) an app enabled in the regions of *regional_options*
    (region -> at least ``{"applet": applet ID}``), from the ``dxapp.json`` of *src_dir* or, without
    one, *inherited_metadata*; the first of *try_versions* that can be made is used. Its ID."""
    return _create_app({"regionalOptions": regional_options}, app_name, src_dir, publish=publish,
                       set_default=set_default, billTo=billTo, try_versions=try_versions, try_update=try_update,
                       confirm=confirm, inherited_metadata=inherited_metadata, brief=brief)


def create_app(applet_id, applet_name, src_dir, publish=False, set_default=False, billTo=None, try_versions=None,
               try_update=True, confirm=True, regional_options=None):
    """Create an app from one applet (the region is the applet's). Deprecated in dxpy for
    :func:`create_app_multi_region`."""
    return _create_app({"applet": applet_id}, applet_name, src_dir, publish=publish, set_default=set_default,
                       billTo=billTo, try_versions=try_versions, try_update=try_update, confirm=confirm)


def _describe_version(name, version):
    try:
        # A 404 is the likely answer here: do not retry it.
        return dxpy.api.app_describe("app-" + name, alias=version, always_retry=False)
    except dxpy.exceptions.DXAPIError as error:
        if error.name == "ResourceNotFound":
            return None
        raise


def _make_version(app_spec, try_versions, try_update, brief):
    """The ID of the first version of *try_versions* created or updated."""
    for version in try_versions:
        logger.debug("Attempting to create version %s..." % version)
        app_spec["version"] = version
        existing = _describe_version(app_spec["name"], version)
        if existing is None:
            logger.debug("App %s/%s does not yet exist" % (app_spec["name"], version))
            app_id = _create_or_update_version(app_spec["name"], version, app_spec, try_update=try_update)
            message = "Created app "
        elif existing.get("published", 0) == 0:
            logger.debug("App %s/%s already exists and has not been published" % (app_spec["name"], version))
            app_id = _update_version(app_spec["name"], version, app_spec, try_update=try_update)
            message = "Updated existing app "
        else:
            logger.debug("App %s/%s already exists and has been published" % (app_spec["name"], version))
            continue
        if app_id is not None:
            if not brief:
                logger.info(message + app_id)
            return app_id
    if len(try_versions) != 1:
        tried = "any of the requested versions: " + ", ".join(try_versions)
    else:
        tried = "the requested version: " + try_versions[0]
    raise AppBuilderException("Could not create %s" % tried)


def _confirmed(message, question, confirm, skipped_warning):
    """Whether a sensitive change may go ahead: asked on a terminal when *confirm*; refused
    without a terminal (with *skipped_warning*); allowed with a warning when not *confirm*."""
    if not confirm:
        logger.warning(message)
        return True
    if not INTERACTIVE_CLI:
        logger.warning(skipped_warning)
        return False
    try:
        print("***")
        print(fill("WARNING: " + message))
        print("***")
        answer = input(question)
    except KeyboardInterrupt:
        answer = "n"
    return answer.lower().startswith("y")


def _set_developers(app_id, wanted, confirm):
    existing = set(dxpy.api.app_list_developers(app_id)["developers"])
    to_add, to_remove = set(wanted) - existing, existing - set(wanted)
    if not to_add and not to_remove:
        return
    parts = []
    if to_add:
        parts.append("the following developers will be added: " + ", ".join(sorted(to_add)))
    if to_remove:
        parts.append("the following developers will be removed: " + ", ".join(sorted(to_remove)))
    if not _confirmed("; and ".join(parts), "Confirm updating developers list [y/N]: ", confirm,
                      'skipping requested change to the developer list. Rerun "dx build" interactively or pass '
                      '--yes to confirm this change.'):
        return
    if to_add:
        dxpy.api.app_add_developers(app_id, input_params={"developers": list(to_add)})
    if to_remove:
        dxpy.api.app_remove_developers(app_id, input_params={"developers": list(to_remove)})


def _set_authorized_users(app_id, app_name, wanted, confirm, brief):
    existing = set(dxpy.api.app_list_authorized_users(app_id)["authorizedUsers"])
    if wanted is None:
        if not existing and not brief:
            logger.warning("authorizedUsers is missing from the app spec. No one will be able to view or run the app "
                           "except the app's developers.")
        return
    to_add, to_remove = set(wanted) - existing, existing - set(wanted)
    public_refused = "PUBLIC" in to_add and not _confirmed(
        "app-%s will be made public. Anyone will be able to view and run all published versions of this app."
        % app_name, "Confirm making this app public [y/N]: ", confirm,
        'skipping requested change to add PUBLIC to the authorized users list. Rerun "dx build" interactively or '
        'pass --yes to confirm this change.')
    if public_refused:
        to_add.discard("PUBLIC")
    if to_add:
        dxpy.api.app_add_authorized_users(app_id, input_params={"authorizedUsers": list(to_add)})
    if public_refused:
        logger.warning('the app was NOT made public as requested in the app spec. To make it so, run '
                       '"dx add users app-%s PUBLIC".' % app_name)
    if to_remove:
        dxpy.api.app_remove_authorized_users(app_id, input_params={"authorizedUsers": list(to_remove)})


def _create_app(applet_or_regional_options, app_name, src_dir, publish=False, set_default=False, billTo=None,
                try_versions=None, try_update=True, confirm=True, inherited_metadata={}, brief=False):
    if src_dir:
        app_spec = _get_app_spec(src_dir)
        if not brief:
            logger.info("Will create app with spec: %s" % json.dumps(app_spec))
        dxpy.executable_builder.inline_documentation_files(app_spec, src_dir)
    else:
        app_spec = dict(inherited_metadata)
    app_spec.update(applet_or_regional_options, name=app_name)
    if billTo:
        app_spec["billTo"] = billTo
    app_id = _make_version(app_spec, try_versions or [app_spec["version"]], try_update, brief)

    dxpy.executable_builder.set_categories("app", app_id, app_spec.get("categories", []))
    if app_spec.get("developers") is not None:
        _set_developers(app_id, app_spec["developers"], confirm)
    _set_authorized_users(app_id, app_spec["name"], app_spec.get("authorizedUsers"), confirm, brief)

    if publish:
        dxpy.api.app_publish(app_id, input_params={"makeDefault": set_default})
    elif not list(dxpy.find_apps(name=app_name, published=True, limit=1)):
        # No version was ever published: "default" follows the latest one.
        dxpy.api.app_add_tags(app_id, input_params={"tags": ["default"]})
    return app_id


def get_enabled_regions(app_spec, from_command_line):
    """The regions the app is enabled in (``regionalOptions``, else ``--region``), or None
    (then the region of the build project); checks ``regionalOptions``."""
    regions = dxpy.executable_builder.get_enabled_regions("app", app_spec, from_command_line, AppBuilderException)
    if regions is not None and len(regions) == 0:
        raise AssertionError("This app should be enabled in at least one region")
    return regions
