"""``dx login``, ``logout``, ``exit``, ``whoami``, ``env``, ``setenv``, ``clearenv``, ``select``,
``cd`` and ``pwd``: the credentials, API server, current project and current folder of a session.

They live in ``dxpy.config``, which saves them in ``~/.dnanexus_config`` and in the per-shell
session directory (``~/.dnanexus_config/sessions/<shell pid>``). ``dx`` runs one command per
process, so every change is saved for the next command.
"""
import argparse
import contextlib
import json
import os
import sys

from ..exceptions import DXCLIError, err_exit
from ..utils.printing import fill
from . import registry
from .parsers import env_args

_DEFAULT_AUTHSERVER = "https://auth.dnanexus.com"
_LEVELS = ["VIEW", "UPLOAD", "CONTRIBUTE", "ADMINISTER"]
_PAGE = 10  # projects offered at a time by select
_LOGIN_ATTEMPTS = 3
_BAD_CREDENTIALS = {"UsernameOrPasswordError": "Incorrect username and/or password",
                    "OTPMismatchError": "Incorrect verification code"}


def _state():
    from ..scripts import dx
    return dx.state


def _save_changes():
    """Whether changes go to the configuration files: always, outside an interactive shell."""
    return not _state()["interactive"]


@contextlib.contextmanager
def _reading_answers():
    """Around a prompt: at the end of input, exit 1 with the error's one line, not a traceback."""
    try:
        yield
    except EOFError:
        from ..exceptions import exit_with_exc_info
        exit_with_exc_info(1)


def _auth_server(host, port, protocol):
    """The auth server's URL; a bad --host/--port pair (or an API server without a known auth
    server) exits 3 with the reason."""
    import dxpy
    from . import try_call
    return try_call(dxpy.get_auth_server_name, host, port, protocol)


# -- saving the session -----------------------------------------------------------------------------

def set_api(protocol, host, port, write):
    """Use this API server (and save it when *write*)."""
    import dxpy
    dxpy.config.update(DX_APISERVER_PROTOCOL=str(protocol), DX_APISERVER_HOST=str(host),
                       DX_APISERVER_PORT=str(port))
    if write:
        dxpy.config.save()


def set_project(project, write, name=None):
    """Make *project* the current project (inside a job: the workspace), named *name*."""
    import dxpy
    if dxpy.JOB_ID is None:
        dxpy.config["DX_PROJECT_CONTEXT_ID"] = project
        dxpy.config["DX_PROJECT_CONTEXT_NAME"] = name
    else:
        dxpy.config["DX_WORKSPACE_ID"] = project
    if write:
        dxpy.config.save()
    dxpy.set_workspace_id(project)


def set_wd(folder, write):
    """Make *folder* the current folder."""
    import dxpy
    dxpy.config.update(DX_CLI_WD=folder)
    if write:
        dxpy.config.save()


def prompt_for_env_var(prompt_str, env_var_str):
    """Ask for a value until one is given; an empty answer takes the variable's current value
    when it has one. EOFError and KeyboardInterrupt propagate."""
    default = os.environ.get(env_var_str)
    prompt = prompt_str + (": " if default is None else " [" + default + "]: ")
    while True:
        value = input(prompt)
        if value != "":
            return value
        if default is not None:
            return default


# -- choosing a project -----------------------------------------------------------------------------

def _project_pages(args):
    """The projects that *args* (--name, --level, --public) allow, described, in lists of
    up to ten; a failure to list them ends dx with "Error while listing available projects"."""
    import dxpy
    found = dxpy.find_projects(describe=True, name=args.name, name_mode="glob",
                               level="VIEW" if args.public else args.level,
                               explicit_perms=None if args.public else True,
                               public=True if args.public else None, first_page_size=_PAGE)
    while True:
        page = []
        try:
            for project in found:
                page.append(project)
                if len(page) == _PAGE:
                    break
        except Exception:
            err_exit("Error while listing available projects")
        yield page
        if len(page) < _PAGE:
            return


def _exit_without_projects():
    from ..utils.printing import BOLD
    sys.stderr.write("\n" + fill("No projects to choose from.  You can create one with the command " +
                                 BOLD("dx new project") + ".  To pick from projects for which you only have " +
                                 " VIEW permissions, use " + BOLD("dx select --level VIEW") + " or " +
                                 BOLD("dx select --public") + ".") + "\n")
    sys.exit(0)


def _print_level_note(args):
    from ..utils.printing import BOLD
    if not args.public and args.level == "CONTRIBUTE":
        print("")
        print(fill("Note: Use " + BOLD("dx select --level VIEW") + " or " + BOLD("dx select --public") +
                   " to select from projects for which you only have VIEW permissions."))


def _pick_from_page(args, page):
    """The index the user picks among *page* (the current project is the default), or "m"."""
    import dxpy
    from ..utils.resolver import pick
    ids = [project["id"] for project in page]
    print("")
    print("Available public projects:" if args.public else "Available projects ({} or higher):".format(args.level))
    with _reading_answers():
        return pick([project["describe"]["name"] + " (" + project["level"] + ")" for project in page],
                    ids.index(dxpy.WORKSPACE_ID) if dxpy.WORKSPACE_ID in ids else None,
                    more_choices=len(page) == _PAGE)


def pick_and_set_project(args):
    """List the projects that *args* allow, ten at a time, and make the one picked current."""
    from ..utils.printing import BOLD
    for number, page in enumerate(_project_pages(args)):
        if not page:
            if number == 0:
                _exit_without_projects()
            err_exit("No projects left to choose from.", 3)
        if number == 0:
            _print_level_note(args)
        choice = _pick_from_page(args, page)
        if choice == "m":
            continue
        name = page[choice]["describe"]["name"]
        print("Setting current project to: " + BOLD(name))
        save = _save_changes() or args.save
        set_project(page[choice]["id"], save, name=name)
        _state()["currentproj"] = name
        set_wd("/", save)
        return


# -- login ------------------------------------------------------------------------------------------

def _ask_credentials(known=None, ask_otp=False):
    """Username (saved as DX_USERNAME), password and, when the server wants one, verification
    code; *known* (username, password) skips the first two."""
    import getpass

    import dxpy
    if known:
        username, password = known
    else:
        username = None
        while not username:
            previous = os.environ.get("DX_USERNAME")
            if previous is None:
                username = input("Username: ")
            else:
                username = input("Username [" + previous + "]: ") or previous
        dxpy.config.write("DX_USERNAME", username)
        password = getpass.getpass()
    otp = input("Verification code: ") if ask_otp else None
    return {"username": username, "password": password, "otp": otp}


def _new_token(authserver, timeout):
    """A token from the auth server for the username and password the user types: up to three
    tries, asking for a verification code when the account has one."""
    import dxpy
    from ..utils import normalize_time_input, warn
    attempt, ask_otp, known = 1, False, None
    while True:
        try:
            with _reading_answers():
                credentials = _ask_credentials(known, ask_otp)
            expires = normalize_time_input(timeout, future=True, default_unit="s")
            return dxpy.DXHTTPRequest(authserver + "/system/newAuthToken", dict(credentials, expires=expires),
                                      prepend_srv=False, auth=None, always_retry=True)
        except dxpy.DXAPIError as e:
            if e.name == "OTPRequiredError":
                ask_otp, known = True, (credentials["username"], credentials["password"])
                continue
            if e.name not in _BAD_CREDENTIALS:
                _login_error("Login error: {}".format(e))
            if attempt == _LOGIN_ATTEMPTS:
                _login_error("Incorrect username and/or password")
            warn(_BAD_CREDENTIALS[e.name])
            attempt += 1
        except Exception as e:
            _login_error("Login error: {}".format(e))


def _login_error(message):
    """Exit 3 with the error being handled (its one line) and *message* after dx's name."""
    err_exit("dx: " + message, expected_exceptions=(Exception,))


def _security_context_from_password(args):
    """(security context as JSON, whether it is the default platform's) for a password login."""
    import dxpy
    if (args.host is None) != (args.port is None):
        err_exit("Error: Only one of --host and --port were provided; provide either both or neither of the values", 2)
    authserver = _auth_server(args.host, args.port, args.protocol)
    print("Acquiring credentials from " + authserver)
    token = _new_token(authserver, args.timeout)
    using_default = authserver == _DEFAULT_AUTHSERVER
    if using_default:
        set_api(dxpy.DEFAULT_APISERVER_PROTOCOL, dxpy.DEFAULT_APISERVER_HOST, dxpy.DEFAULT_APISERVER_PORT, args.save)
    return json.dumps({"auth_token": token["access_token"], "auth_token_type": token["token_type"]}), using_default


def _api_server_given(args):
    """Whether this command was told which API server to use (--apiserver-host, or
    DX_APISERVER_HOST in its environment); saved settings do not count."""
    import dxpy
    return args.apiserver_host is not None or dxpy.config.given_in_environment("DX_APISERVER_HOST")


def _security_context_from_token(args):
    """(security context as JSON, whether it is the default platform's) for ``--token``.
    The token is for the API server this command was given, else (without --host) for the
    default platform."""
    import dxpy
    security_context = json.dumps({"auth_token": args.token, "auth_token_type": "Bearer"}, separators=(",", ":"))
    if args.host is not None:
        return security_context, False
    if _api_server_given(args):
        return security_context, dxpy.APISERVER_HOST == dxpy.DEFAULT_APISERVER_HOST
    set_api(dxpy.DEFAULT_APISERVER_PROTOCOL, dxpy.DEFAULT_APISERVER_HOST, dxpy.DEFAULT_APISERVER_PORT, args.save)
    return security_context, True


def _save_username(args):
    """DX_USERNAME from the auth server: the one given by --host/--port (over --protocol) or else
    the one paired with the API server. Not knowing it does not stop the login."""
    import dxpy
    from ..bindings.auth import user_info
    try:
        if args.host is None and args.port is None:
            info = user_info()
        else:
            info = user_info(args.host, args.port, args.protocol)
        dxpy.config.write("DX_USERNAME", info["username"])
    except dxpy.DXError as details:
        print("Could not obtain username from auth server. Consider setting both --host and --port.",
              file=sys.stderr)
        print(fill(str(details)), file=sys.stderr)


def _print_greeting():
    """The platform's messages for this client, if any."""
    import datetime

    import dxpy
    from ..utils import warn
    from ..utils.printing import BOLD, DNANEXUS_LOGO
    try:
        greeting = dxpy.api.system_greet({"client": "dxclient", "version": "v" + dxpy.TOOLKIT_VERSION})
        if greeting.get("messages"):
            print(BOLD("New messages from ") + DNANEXUS_LOGO())
            for message in greeting["messages"]:
                print(BOLD("Date:    ") + datetime.datetime.fromtimestamp(message["date"] // 1000).ctime())
                print(BOLD("Subject: ") + fill(message["title"], subsequent_indent=" " * 9))
                body = message["body"].splitlines()
                if body:
                    print(BOLD("Message: ") + body[0])
                    for line in body[1:]:
                        print(" " * 9 + line)
    except Exception as e:
        warn("Error while retrieving greet data: {}".format(e))


def _print_logged_in(timeout):
    import datetime

    import dxpy
    from ..utils import normalize_time_input
    from ..utils.printing import BOLD
    lifetime = datetime.timedelta(seconds=normalize_time_input(timeout, default_unit="s") // 1000)
    tip = ("Use " + BOLD("dx login --timeout") + " to control the expiration date, or " + BOLD("dx logout") +
           " to end this session.")
    print(fill("You are now logged in. Your credentials are stored in {} and will expire in {}. {}".format(
        dxpy.config.get_user_conf_dir(), lifetime, tip)))


def login(args):
    """``dx login``: get a token (from --token, or for a username and password), save it with
    the API server, then choose the API server (--host) or a project (unless --noprojects)."""
    import dxpy
    if _save_changes():
        args.save = True
    if args.auth_token and not args.token:
        args.token, args.auth_token = args.auth_token, None
    if args.token is None:
        security_context, using_default = _security_context_from_password(args)
    else:
        security_context, using_default = _security_context_from_token(args)
    dxpy.config["DX_SECURITY_CONTEXT"] = security_context
    if args.save:
        dxpy.config.save()
    if args.token is not None:
        _save_username(args)
    if using_default or args.staging:
        _print_greeting()
    args.current, args.name, args.level, args.public = False, None, "CONTRIBUTE", False
    if args.host is not None and not args.staging and not using_default:
        setenv(args)
    elif args.projects:
        pick_and_set_project(args)
    if args.save and not args.token:
        _print_logged_in(args.timeout)


class SetStagingEnv(argparse.Action):
    """``dx login --staging``: the staging platform's auth and API servers."""

    def __call__(self, parser, namespace, values, option_string=None):
        namespace.host, namespace.port, namespace.protocol = "stagingauth.dnanexus.com", "443", "https"
        namespace.staging = True
        set_api(protocol="https", host="stagingapi.dnanexus.com", port="443",
                write=_save_changes() or namespace.save)


# -- logout, exit, whoami ---------------------------------------------------------------------------

def logout(args):
    """``dx logout``: revoke the token on the auth server and forget it."""
    import hashlib

    import dxpy
    from ..exceptions import format_exception
    if dxpy.AUTH_HELPER is None:
        return
    authserver = _auth_server(args.host, args.port, args.protocol)
    print("Deleting credentials from {}...".format(authserver))
    token = dxpy.AUTH_HELPER.security_context["auth_token"]
    signature = hashlib.sha256(token.encode("utf-8")).hexdigest()
    try:
        # the token goes to the auth server given by --host/--port too
        dxpy.DXHTTPRequest(authserver + "/system/destroyAuthToken", {"tokenSignature": signature},
                           prepend_srv=False, auth=dxpy.AUTH_HELPER, max_retries=1)
        print("Deleted token with signature", signature)
    except dxpy.DXAPIError as e:
        print(format_exception(e))
    if _save_changes():
        dxpy.config.write("DX_SECURITY_CONTEXT", None)
    else:
        dxpy.AUTH_HELPER = None


def exit_shell(args):
    """``dx exit``: leaves the interactive shell (dx has none: nothing to do)."""
    if _state()["interactive"]:
        raise StopIteration()


def whoami(args):
    """``dx whoami [--id]``: the current user's handle, or ID."""
    import dxpy
    if dxpy.AUTH_HELPER is None:
        err_exit('You are not logged in; run "dx login" to obtain a token.', 3)
    user_id = dxpy.whoami()
    print(user_id if args.user_id else dxpy.api.user_describe(user_id)["handle"])


# -- env, setenv, clearenv --------------------------------------------------------------------------

def _print_env_as_bash():
    import dxpy
    if dxpy.AUTH_HELPER is not None:
        print("export DX_SECURITY_CONTEXT='" + json.dumps(dxpy.AUTH_HELPER.security_context) + "'")
    for name, value in (("DX_APISERVER_PROTOCOL", dxpy.APISERVER_PROTOCOL), ("DX_APISERVER_HOST", dxpy.APISERVER_HOST),
                        ("DX_APISERVER_PORT", dxpy.APISERVER_PORT), ("DX_PROJECT_CONTEXT_ID", dxpy.WORKSPACE_ID)):
        if value is not None:
            print("export {}={}".format(name, value))


def _print_env_as_flags():
    import dxpy
    flags = ""
    token = dxpy.AUTH_HELPER.security_context.get("auth_token") if dxpy.AUTH_HELPER is not None else None
    for flag, value in (("--auth-token", token), ("--apiserver-protocol", dxpy.APISERVER_PROTOCOL),
                        ("--apiserver-host", dxpy.APISERVER_HOST), ("--apiserver-port", dxpy.APISERVER_PORT),
                        ("--project-context-id", dxpy.WORKSPACE_ID)):
        if value is not None:
            flags += " {} {}".format(flag, value)
    print(flags)


def _print_env_table():
    import dxpy
    if dxpy.AUTH_HELPER is not None:
        print("Auth token used\t\t" + dxpy.AUTH_HELPER.security_context.get("auth_token", "none"))
    print("API server protocol\t" + str(dxpy.APISERVER_PROTOCOL))
    print("API server host\t\t" + str(dxpy.APISERVER_HOST))
    print("API server port\t\t" + str(dxpy.APISERVER_PORT))
    print("Current workspace\t" + str(dxpy.WORKSPACE_ID))
    if "DX_PROJECT_CONTEXT_NAME" in os.environ:
        print('Current workspace name\t"{}"'.format(dxpy.config.get("DX_PROJECT_CONTEXT_NAME")))
    print("Current folder\t\t" + dxpy.config.get("DX_CLI_WD", "None"))
    print("Current user\t\t" + str(os.environ.get("DX_USERNAME")))


def env(args):
    """``dx env [--bash | --dx-flags]``: the configuration in use."""
    if args.bash:
        _print_env_as_bash()
    elif args.dx_flags:
        _print_env_as_flags()
    else:
        _print_env_table()


def setenv(args):
    """``dx setenv``: ask for the API server (or, with --current, keep it), save it, then offer
    the projects unless --noprojects."""
    import dxpy
    if _save_changes():
        args.save = True
    if args.current:
        dxpy.config.save()
    else:
        try:
            protocol = prompt_for_env_var('API server protocol (choose "http" or "https")', "DX_APISERVER_PROTOCOL")
            host = prompt_for_env_var("API server host", "DX_APISERVER_HOST")
            port = prompt_for_env_var("API server port", "DX_APISERVER_PORT")
            set_api(protocol, host, port, args.save)
        except (Exception, KeyboardInterrupt):
            raise DXCLIError("Error setting up API variables")
    if args.projects:
        args.name, args.public, args.current, args.level = None, False, False, "CONTRIBUTE"
        pick_and_set_project(args)


def clearenv(args):
    """``dx clearenv [--reset]``: remove the saved configuration (--reset: save empty values)."""
    import dxpy
    if args.interactive:
        print("The clearenv command is not available in the interactive shell")
        return
    dxpy.config.clear(reset=args.reset)


# -- select, cd, pwd --------------------------------------------------------------------------------

def select(args):
    """``dx select [PROJECT]``: switch to PROJECT, or to a project picked from a list."""
    from ..utils.resolver import get_last_pos_of_char, split_unescaped
    if args.project is None:
        pick_and_set_project(args)
        return
    args.path = args.project if get_last_pos_of_char(":", args.project) != -1 else args.project + ":"
    cd(args)
    print("Selected project", split_unescaped(":", args.project)[0].replace("\\:", ":"))


def cd(args):
    """``dx cd [PATH]``: make PATH's project and folder the current ones."""
    import dxpy
    from ..utils.resolver import resolve_existing_path
    from . import try_call
    project, folder = try_call(resolve_existing_path, args.path, "folder")[:2]
    if project is None:
        err_exit("Error: No current project was given", 3)
    name = try_call(dxpy.get_handler(project).describe)["name"]
    # The name is saved with the ID, unless both are current already.
    if project != dxpy.WORKSPACE_ID or "DX_PROJECT_CONTEXT_NAME" not in os.environ:
        set_project(project, _save_changes(), name=name)
        _state()["currentproj"] = name
    try:
        dxpy.get_handler(dxpy.WORKSPACE_ID).list_folder(folder=folder, only="folders")
    except Exception:
        err_exit(fill(folder + ": No such file or directory found in project " + dxpy.WORKSPACE_ID), 3)
    set_wd(folder, _save_changes())


def get_pwd():
    """``project name:folder`` of the current project and folder, or None without a project."""
    import dxpy
    state = _state()
    if dxpy.WORKSPACE_ID is not None and state["currentproj"] is None:
        try:
            state["currentproj"] = dxpy.api.project_describe(dxpy.WORKSPACE_ID)["name"]
        except Exception:
            pass  # no project name known: no current directory either
    if state["currentproj"] is None:
        return None
    return state["currentproj"] + ":" + dxpy.config.get("DX_CLI_WD", "/")


def pwd(args):
    """``dx pwd``: the current project and folder."""
    current = get_pwd()
    if current is None:
        err_exit("Current project is not set", 3)
    print(current)


# -- parsers ----------------------------------------------------------------------------------------

def _help(text):
    return fill(text, width_adjustment=-24)


def _complete_paths(action, **options):
    # Completion needs the platform: set up only when the shell asks for it.
    if "_ARGCOMPLETE" in os.environ:
        from ..utils.completer import DXPathCompleter
        action.completer = DXPathCompleter(**options)


def _add_auth_server_options(parser, hidden):
    def helped(text):
        return argparse.SUPPRESS if hidden else _help(text)
    parser.add_argument("--host", help=helped("Host name of the auth server (give --port too)"))
    parser.add_argument("--port", type=int, help=helped("Port of the auth server (give --host too)"))
    parser.add_argument("--protocol", default="https",
                        help=helped("Protocol for reaching the auth server given by --host and --port"))


def _add_login(subparsers):
    parser = subparsers.add_parser(
        "login", help="Log in, interactively or with an API token", prog="dx login", parents=[env_args],
        description=fill('Log in with your username and password, or with an existing API token given by "--token".'))
    parser.add_argument("--token", help=_help("API token to log in with"))
    _add_auth_server_options(parser, hidden=True)
    parser.add_argument("--noprojects", dest="projects", action="store_false",
                        help=_help("Do not offer the projects to choose from"))
    parser.add_argument("--save", action="store_true",
                        help=_help("Keep the token and other settings for later sessions"))
    parser.add_argument("--timeout", default="18h",
                        help=_help("Lifetime of the new token (seconds, or a number with suffix s, m, h, d)"))
    parser.add_argument("--staging", nargs=0, action=SetStagingEnv, help=argparse.SUPPRESS)
    parser.set_defaults(staging=False, func=login)
    registry.register_parser(parser, categories="session")


def _add_logout(subparsers):
    parser = subparsers.add_parser("logout", help="Log out: revoke and forget the token",
                                   description="Log out: revoke the token on the auth server and forget it.",
                                   prog="dx logout", parents=[env_args])
    _add_auth_server_options(parser, hidden=False)
    parser.set_defaults(func=logout)
    registry.register_parser(parser, categories="session")


def _add_exit(subparsers):
    parser = subparsers.add_parser("exit", help="Leave the interactive shell",
                                   description="Leave the interactive shell", prog="dx exit")
    parser.set_defaults(func=exit_shell)
    registry.register_parser(parser, categories="session")


def _add_whoami(subparsers):
    parser = subparsers.add_parser("whoami", help="Print the current user's name",
                                   description='Print the current user\'s name (the "USERNAME" of "user-USERNAME")',
                                   prog="dx whoami", parents=[env_args])
    parser.add_argument("--id", dest="user_id", action="store_true", help="Print the user ID instead")
    parser.set_defaults(func=whoami)
    registry.register_parser(parser, categories="session")


def _add_env(subparsers):
    parser = subparsers.add_parser(
        "env", help="Print the configuration in use", prog="dx env", parents=[env_args],
        formatter_class=argparse.RawTextHelpFormatter,
        description=fill("Prints the configuration in use, as resolved from environment variables and "
                         "configuration files. More on these:") +
        "\n\nhttps://documentation.dnanexus.com/user/helpstrings-of-sdk-command-line-utilities"
        "#overriding-environment-variables")
    parser.add_argument("--bash", action="store_true",
                        help=fill("Print bash commands that export the configuration", width_adjustment=-14))
    parser.add_argument("--dx-flags", action="store_true",
                        help=fill("Print the dx options that give the configuration", width_adjustment=-14))
    parser.set_defaults(func=env)
    registry.register_parser(parser, categories="session")


def _add_setenv(subparsers):
    parser = subparsers.add_parser("setenv", help="Set the API server for the session",
                                   description="Set the API server to talk to, then optionally the project",
                                   prog="dx setenv")
    parser.add_argument("--noprojects", dest="projects", action="store_false",
                        help=_help("Do not offer the projects to choose from"))
    parser.add_argument("--save", action="store_true",
                        help=_help("Keep the settings for later sessions (one set is kept; always the case "
                                   "outside the interactive shell)"))
    parser.add_argument("--current", action="store_true",
                        help=_help("Ask nothing: save the settings in use for later sessions (implies --save)"))
    parser.set_defaults(func=setenv)
    registry.register_parser(parser, categories="other")


def _add_clearenv(subparsers):
    parser = subparsers.add_parser(
        "clearenv", help="Remove the settings dx has saved", prog="dx clearenv",
        description=fill("Removes the settings dx has saved (the files in ~/.dnanexus_config and this "
                         "shell's session). Variables set in your shell are not changed."))
    parser.add_argument("--reset", action="store_true",
                        help=_help("Save empty values instead, so that other dx sessions' saved settings "
                                   "do not apply either"))
    parser.set_defaults(func=clearenv, interactive=False)
    registry.register_parser(parser, categories="session")


def _add_pwd(subparsers):
    parser = subparsers.add_parser("pwd", help="Print the current project and folder",
                                   description="Print the current project and folder", prog="dx pwd",
                                   parents=[env_args])
    parser.set_defaults(func=pwd)
    registry.register_parser(parser, categories="fs")


def _add_select(subparsers):
    parser = subparsers.add_parser(
        "select", help="Switch to another project, given or picked from a list", prog="dx select",
        parents=[env_args],
        description=fill("Switch to the project given, or to one picked from a list of those you have at "
                         "least CONTRIBUTE access to (see --level; --public lists public projects)."))
    project = parser.add_argument("project", nargs="?", default=None,
                                  help=_help("Name or ID of the project to switch to; none: pick from a list"))
    _complete_paths(project, expected="project", include_current_proj=False)
    parser.add_argument("--name", help=_help("List only projects with this name (wildcards allowed)"))
    parser.add_argument("--level", choices=_LEVELS, default="CONTRIBUTE",
                        help=_help("Least access level of the projects listed"))
    parser.add_argument("--public", action="store_true",
                        help=_help("List only public projects (the level is then VIEW)"))
    parser.set_defaults(func=select, save=False)
    registry.register_parser(parser, categories="fs")


def _add_cd(subparsers):
    parser = subparsers.add_parser("cd", help="Change the current folder",
                                   description="Change the current folder (and project)", prog="dx cd",
                                   parents=[env_args])
    path = parser.add_argument("path", nargs="?", default="/",
                               help=_help('Folder to go to, possibly in another project (default: "/" of '
                                          'the current project)'))
    _complete_paths(path, expected="folder")
    parser.set_defaults(func=cd)
    registry.register_parser(parser, categories="fs")


COMMANDS = {
    "login": _add_login, "logout": _add_logout, "exit": _add_exit, "whoami": _add_whoami, "env": _add_env,
    "setenv": _add_setenv, "clearenv": _add_clearenv, "pwd": _add_pwd, "select": _add_select, "cd": _add_cd,
}
