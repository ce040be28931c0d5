"""``dx build``: an applet or app from a source directory holding ``dxapp.json``, a workflow or
global workflow from one holding ``dxworkflow.json``, or an app (global workflow) from an
existing applet (workflow) with ``--from``. The work is done by ``dxpy.scripts.dx_build_app``
and ``dxpy.workflow_builder``; this module parses and checks the options."""
import argparse
import logging
import os
import sys

import dxpy
from ..exceptions import err_exit
from ..utils.printing import BOLD, fill
from . import registry, try_call
from .parsers import env_args, stdout_args

MODES = ("app", "applet", "workflow", "globalworkflow")
_NEXTFLOW_VERSIONS = ["24.10", "25.10"]
_WORKFLOW_UNSUPPORTED = (("--ensure-upload", "ensure_upload"), ("--force-symlinks", "force_symlinks"),
                         ("--[no-]publish", "publish"), ("--[no-]dry_run", "dry_run"), ("--run", "run"),
                         ("--remote", "remote"), ("--version", "version_override"), ("--bill-to", "bill_to"),
                         ("--archive", "archive"), ("--region", "region"), ("--extra-args", "extra_args"))


def _source_executable(path):
    """The describe (with properties and details) of the one applet or workflow at *path*."""
    from ..utils.resolver import resolve_existing_path
    _, _, results = try_call(resolve_existing_path, path, expected="entity", ask_to_resolve=False,
                             expected_classes=["applet", "workflow"], all_mult=False, allow_mult=False,
                             describe={"fields": {"properties": True, "details": True}, "defaultFields": True})
    if results is None:
        err_exit("Could not resolve {} to an existing applet or workflow.".format(path), 3)
    if isinstance(results, list):
        if len(results) > 1:
            err_exit("More than one match found for {}. Please use an applet/workflow ID instead.".format(path), 3)
        results = results[0]
    if not results["id"].startswith(("applet", "workflow")):
        err_exit("Could not resolve {} to a valid applet/workflow ID".format(path), 3)
    return results["describe"]


def _mode(args, parser):
    """applet or workflow by the file in the source directory; app or global workflow by --from."""
    if args._from is not None:
        return "app" if args._from["id"].startswith("applet") else "globalworkflow"
    if not os.path.isdir(args.src_dir):
        parser.error("{} is not a directory".format(args.src_dir))
    return "workflow" if os.path.exists(os.path.join(args.src_dir, "dxworkflow.json")) else "applet"


def _conflicts(args):
    """The first message about options that do not go together, or None."""
    checks = [
        (args.mode == "app" and args.destination != ".",
         "--destination cannot be used when creating an app (only an applet)"),
        (args.mode == "globalworkflow" and args.destination != ".",
         "--destination cannot be used when creating a global workflow (only a workflow)"),
        (args.mode == "applet" and args.region, "--region cannot be used when creating an applet (only an app)"),
        (args.overwrite and args.archive, "Options -f/--overwrite and -a/--archive cannot be specified together"),
        (args.run is not None and args.dry_run, "Options --dry-run and --run cannot be specified together"),
        (args.run and args.remote and args.mode == "app",
         "Options --remote, --app, and --run cannot all be specified together. Try removing --run and then "
         "separately invoking dx run."),
    ]
    source = args._from
    if source is not None:
        checks += [
            (args.ensure_upload, "Options --from and --ensure-upload cannot be specified together"),
            (args.force_symlinks, "Options --from and --force-symlinks cannot be specified together"),
            (args.remote, "Options --from and --remote cannot be specified together"),
            (not args.parallel_build, "Options --from and --no-parallel-build cannot be specified together"),
            (args.mode not in ("app", "globalworkflow"),
             "--from can only be used to build an app from an applet or a global workflow from a project-based "
             "workflow"),
            (not args.version_override, "--version must be specified when using the --from option"),
            (args.mode == "app" and not source["id"].startswith("applet"),
             "app can only be built from an applet (--from should be set to an applet ID)"),
            (args.mode == "globalworkflow" and not source["id"].startswith("workflow"),
             "globalworkflow can only be built from an workflow (--from should be set to a workflow ID)"),
            (args.dry_run, "Options --dry-run and --from cannot be specified together"),
        ]
    checks += [
        (args.mode in ("globalworkflow", "applet", "app") and args.keep_open,
         "Global workflows, applets and apps cannot be kept open"),
        (args.repository and not args.nextflow,
         "Repository argument is available only when building a Nextflow pipeline. Did you mean "
         "'dx build --nextflow'?"),
        (args.repository and args.remote,
         "Nextflow pipeline built from a remote Git repository is always built using the Nextflow Pipeline Importer "
         "app. This is not compatible with --remote."),
        (args.cache_docker and args.remote,
         "Nextflow pipeline built with an option to cache the docker images is always built using the Nextflow "
         "Pipeline Importer app. This is not compatible with --remote."),
        (args.git_credentials and not args.repository,
         "Git credentials can be supplied only when building Nextflow pipeline from a Git repository."),
        (args.nextflow and args.mode == "app", "Building Nextflow apps is not supported. Build applet instead."),
        (args.cache_docker and not args.nextflow,
         "Docker caching argument is available only when building a Nextflow pipeline. Did you mean "
         "'dx build --nextflow'?"),
        (args.nextflow_version is not None and not args.nextflow,
         "--nextflow-version is available only when building a Nextflow pipeline. Did you mean 'dx build --nextflow'?"),
    ]
    for failed, message in checks:
        if failed:
            return message
    if args.mode == "workflow":
        used = [option for option, attribute in _WORKFLOW_UNSUPPORTED if getattr(args, attribute)]
        if used:
            return "Options {} are not supported with workflows".format(", ".join(used))
    return None


def build(args):
    parser = registry.parser_map["build"]
    # What the builders log at INFO is part of dx build's output (on stderr), as in dxpy's dx.
    logging.basicConfig(level=logging.INFO)
    if dxpy.AUTH_HELPER is None and not args.dry_run:
        parser.error('Authentication required to build an executable on the platform; please run "dx login" first')
    try:
        if args._from is not None:
            if args.src_dir is not None:
                parser.error("Source directory and --from cannot be specified together")
            args._from = _source_executable(args._from)
        elif args.src_dir is None:
            args.src_dir = os.getcwd()
        if args.mode is None:
            args.mode = _mode(args, parser)
        conflict = _conflicts(args)
        if conflict:
            parser.error(conflict)
        if args.cache_docker:
            logging.warning(
                "WARNING: Caching the docker images (--cache-docker) makes you responsible for honoring the "
                "Intellectual Property agreements of the software within the Docker container. You are also "
                "responsible for remediating the security vulnerabilities of the Docker images of the pipeline."
                "Also, cached images will be accessible by the users with VIEW permissions to the projects where "
                "the cached images will be stored.")
        if args.mode in ("app", "applet"):
            from ..scripts import dx_build_app
            dx_build_app.build(args)
        else:
            from .. import workflow_builder
            workflow_builder.build(args, parser)
    except SystemExit:
        raise
    except Exception as error:
        print("Error: {}".format(error), file=sys.stderr)
        # A bad --extra-args is the user's mistake: exit 3 without a traceback (dxpy shows one, exit 1).
        from .. import exceptions
        from .parsers import DXParserError
        err_exit(expected_exceptions=exceptions.default_expected_exceptions + (DXParserError,))


def _help(text):
    return fill(text, width_adjustment=-24)


def _add_build(subparsers):
    parser = subparsers.add_parser(
        "build", help="Create a new applet/app, or a workflow", prog="dx build", parents=[env_args, stdout_args],
        description=fill("Build an applet, app, workflow or global workflow from a local source directory (one "
                         "holding dxapp.json, or dxworkflow.json), or an app or global workflow from an applet or "
                         "workflow already on the platform (--from). " + BOLD("dx-app-wizard") + " makes a "
                         "skeleton source directory."))
    apps = parser.add_argument_group("Options for creating apps or globalworkflows",
                                     "(Only valid when --app/--create-app/--globalworkflow/--create-globalworkflow is "
                                     "specified)")
    applets = parser.add_argument_group("Options for creating applets or workflows",
                                        "(Only valid when --app/--create-app/--globalworkflow/--create-globalworkflow "
                                        "is NOT specified)")
    nextflow = parser.add_argument_group("Options for creating Nextflow applets",
                                         "(Only valid when --nextflow is specified)")
    parser.add_argument("--ensure-upload", action="store_true",
                        help="Upload the resources directory even when a bundle with the same checksum exists")
    parser.add_argument("--force-symlinks", action="store_true",
                        help="Keep symbolic links that point outside the resources directory as links (by default "
                             "links to files outside it are followed and links to directories outside it refused)")
    parser.add_argument("src_dir", nargs="?",
                        help="Source directory holding dxapp.json or dxworkflow.json (default: the current directory)")
    parser.add_argument("--app", "--create-app", action="store_const", dest="mode", const="app", help="Create an app.")
    parser.add_argument("--create-applet", action="store_const", dest="mode", const="applet", help=argparse.SUPPRESS)
    parser.add_argument("--workflow", "--create-workflow", action="store_const", dest="mode", const="workflow",
                        help="Create a workflow.")
    parser.add_argument("--globalworkflow", "--create-globalworkflow", action="store_const", dest="mode",
                        const="globalworkflow", help="Create a global workflow.")
    applets.add_argument("-d", "--destination", default=".",
                         help="Where the applet or workflow goes, as [PROJECT_NAME_OR_ID:][/[FOLDER/][NAME]]; "
                              "overrides project, folder and name of the JSON file")
    parser.set_defaults(dry_run=False)
    parser.add_argument("--dry-run", "-n", action="store_true", dest="dry_run",
                        help="Check and compile only; show the spec that would be sent, create nothing")
    parser.add_argument("--no-dry-run", action="store_false", dest="dry_run", help=argparse.SUPPRESS)
    apps.set_defaults(publish=False)
    apps.add_argument("--publish", action="store_true", dest="publish",
                      help="Publish the new app or global workflow and make it the default")
    apps.add_argument("--no-publish", action="store_false", dest="publish", help=argparse.SUPPRESS)
    apps.add_argument("--from", dest="_from",
                      help="ID or path of the applet (workflow) to make an app (global workflow) of; no source "
                           "directory then")
    parser.set_defaults(remote=False)
    parser.add_argument("--remote", action="store_true", dest="remote",
                        help="Upload the source directory and build it on the platform (for code that must be "
                             "compiled for the Execution Environment)")
    parser.add_argument("--no-watch", action="store_false", dest="watch",
                        help="Do not follow the remote builder's log (with --remote or --repository)")
    parser.add_argument("--no-remote", action="store_false", dest="remote", help=argparse.SUPPRESS)
    applets.add_argument("-f", "--overwrite", action="store_true", default=False,
                         help="Remove applets of the same name in the destination folder (not for workflows yet)")
    applets.add_argument("-a", "--archive", action="store_true", default=False,
                         help="Move applets of the same name in the destination folder to /.Applet_archive (not for "
                              "workflows yet)")
    parser.add_argument("-v", "--version", default=None, dest="version_override", metavar="VERSION",
                        help="Version to create instead of the one in the JSON file (required with --from)")
    apps.add_argument("-b", "--bill-to", default=None, dest="bill_to", metavar="USER_OR_ORG",
                      help="User or org to bill for the app or global workflow")
    parser.set_defaults(check_syntax=True)
    parser.add_argument("--check-syntax", action="store_true", dest="check_syntax", help=argparse.SUPPRESS)
    parser.add_argument("--no-check-syntax", action="store_false", dest="check_syntax",
                        help="Only warn about syntax errors in the code (by default they stop the build)")
    apps.set_defaults(version_autonumbering=True)
    apps.add_argument("--version-autonumbering", action="store_true", dest="version_autonumbering",
                      help=argparse.SUPPRESS)
    apps.add_argument("--no-version-autonumbering", action="store_false", dest="version_autonumbering",
                      help="Try only the version of the JSON file (not one with a +git or +build suffix when it is "
                           "taken and published)")
    apps.set_defaults(update=True)
    apps.add_argument("--update", action="store_true", dest="update", help=argparse.SUPPRESS)
    apps.add_argument("--no-update", action="store_false", dest="update",
                      help="Never update an existing unpublished version in place")
    for option, const in (("--dx-toolkit-legacy-git-autodep", "git"), ("--dx-toolkit-stable-autodep", "stable"),
                          ("--dx-toolkit-autodep", "stable")):
        parser.add_argument(option, action="store_const", dest="dx_toolkit_autodep", const=const,
                            help=argparse.SUPPRESS)
    parser.add_argument("--no-dx-toolkit-autodep", action="store_false", dest="dx_toolkit_autodep",
                        help=argparse.SUPPRESS)
    parser.set_defaults(parallel_build=True)
    parser.add_argument("--parallel-build", action="store_true", dest="parallel_build", help=argparse.SUPPRESS)
    parser.add_argument("--no-parallel-build", action="store_false", dest="parallel_build",
                        help="Run " + BOLD("make") + " instead of " + BOLD("make -jN") + ".")
    apps.set_defaults(use_temp_build_project=True)
    apps.add_argument("--no-temp-build-project", action="store_false", dest="use_temp_build_project",
                      help="For an app in one region, build its applet in the current project, not a temporary one")
    apps.add_argument("-y", "--yes", dest="confirm", action="store_false",
                      help="Make changes to developers, authorized users or versions without asking")
    parser.set_defaults(json=False)
    parser.add_argument("--json", action="store_true", dest="json", help=argparse.SUPPRESS)
    parser.add_argument("--no-json", action="store_false", dest="json", help=argparse.SUPPRESS)
    parser.add_argument("--extra-args",
                        help="JSON merged into the spec sent to the API (/applet/new, ...), over everything else")
    parser.add_argument("--run", nargs=argparse.REMAINDER,
                        help="Run the new app or applet; what follows goes to " + BOLD("dx run") +
                             " (at high priority unless told otherwise)")
    apps.add_argument("--region", action="append",
                      help="Enable the app or global workflow in this region; repeat for several (default: the "
                           "regions of regionalOptions, or that of the project context)")
    parser.add_argument("--keep-open", action="store_true",
                        help=_help("Leave the new workflow open (workflows only)."))
    parser.add_argument("--nextflow", action="store_true", help=_help("Build a Nextflow applet."))
    nextflow.add_argument("--profile", dest="profile", help=_help("Default profile of the Nextflow pipeline."))
    nextflow.add_argument("--repository", dest="repository",
                          help=_help("Git repository of the Nextflow pipeline (not with --remote)."))
    nextflow.add_argument("--repository-tag", dest="tag", help=_help("Tag of the Git repository (with --repository)."))
    nextflow.add_argument("--git-credentials", dest="git_credentials",
                          help=_help("File on the platform with the Git credentials of a private repository (with "
                                     "--repository)."))
    nextflow.add_argument("--cache-docker", action="store_true", dest="cache_docker",
                          help=_help("Store the pipeline's container images in /.cached_dockerImages of the current "
                                     "project (not with --remote, --force, --archive, --dry-run, --json)."))
    nextflow.add_argument("--docker-secrets", dest="docker_secrets",
                          help=_help("File on the platform with the credentials of a private docker registry."))
    nextflow.add_argument("--nextflow-pipeline-params", dest="nextflow_pipeline_params",
                          help=_help("Pipeline parameters used when collecting the docker images."))
    nextflow.add_argument("--nextflow-version", choices=_NEXTFLOW_VERSIONS, dest="nextflow_version",
                          help=_help("Nextflow version to build with (default: the latest supported)."))
    parser.set_defaults(func=build)
    registry.register_parser(parser, categories="exec")


COMMANDS = {"build": _add_build}
