"""What ``dx`` offers to interactive use and to scripts that import ``dxpy.scripts.dx``: printing
to stderr, numbered result headers, the client's address as the API server sees it, and a
readline-style completer of dx command lines."""
import os
import sys

from ..utils.printing import ENDC, UNDERLINE

# The command line's arguments, as dx saw them when this module was imported.
args_list = sys.argv[1:]

# The xterm TERM that dxpy's dx swaps out while importing readline; this dx never loads readline
# and leaves TERM alone, so this is only what dxpy would restore (None for other terminals).
_term = os.environ.get("TERM", "")
old_term_setting = _term if _term.startswith("xterm") else None


def eprint(*args, **kwargs):
    """print() to standard error."""
    print(*args, file=sys.stderr, **kwargs)


def get_client_ip():
    """The IP address the API server sees this client's calls come from (None when it does not say)."""
    import dxpy
    return dxpy.api.system_whoami({"fields": {"clientIp": True}}).get("clientIp")


class ResultCounter(object):
    """Each call gives the next header "Result N:" (underlined, a blank line before all but the first)."""

    def __init__(self):
        self.counter = 0

    def __call__(self):
        self.counter += 1
        return ("\n" if self.counter > 1 else "") + UNDERLINE() + "Result " + str(self.counter) + ":" + ENDC()


# Which completions each command's arguments take: path_completer options by command.
_PATH_OPTIONS = {
    "run": {"classes": ["applet", "workflow"], "visibility": "visible"},
    "cd": {"expected": "folder"}, "rmdir": {"expected": "folder"}, "mkdir": {"expected": "folder"},
    "tree": {"expected": "folder"},
    "head": {"classes": ["file"]}, "cat": {"classes": ["file"]}, "download": {"classes": ["file"]},
    "describe": {"include_current_proj": True}, "rename": {"include_current_proj": True},
    "set_properties": {"include_current_proj": True}, "unset_properties": {"include_current_proj": True},
    "rmproject": {"expected": "project", "include_current_proj": True},
    "invite": {"expected": "project", "include_current_proj": True},
}
for _command in ("ls", "rm", "mv", "cp", "get_details", "set_details", "set_visibility", "add_types",
                 "remove_types", "close", "get"):
    _PATH_OPTIONS[_command] = {}


class DXCLICompleter(object):
    """Completes a dx command line typed without the leading "dx": the command, then the
    subcommand of commands that have them ("new project"), then paths (and app names for
    run, install and uninstall). ``complete(text, state)`` is readline's completer protocol."""

    silent_commands = {"export"}
    # command -> its subcommands ("project " ...), read from the command tree by each completer
    subcommands = {}

    def __init__(self):
        from . import registry
        registry.build_parser()
        self.commands = [name + " " for name, _ in registry.COMMAND_MODULES if name not in self.silent_commands]
        self.subcommands = {}
        for key in registry.parser_map:
            words = key.split(" ")
            if len(words) > 1 and words[1] + " " not in self.subcommands.get(words[0], ()):
                self.subcommands.setdefault(words[0], []).append(words[1] + " ")
        self.matches = []
        self.text = None

    def get_command_matches(self, prefix):
        self.matches = [command for command in self.commands if command.startswith(prefix)]

    def get_subcommand_matches(self, command, prefix):
        if command in self.subcommands:
            self.matches = [command + " " + sub for sub in self.subcommands[command] if sub.startswith(prefix)]

    def get_matches(self, text, want_prefix=False):
        """The completions of the line *text*; with *want_prefix*, each is the whole line."""
        from ..utils.resolver import get_last_pos_of_char, split_unescaped
        self.text = text
        space_pos = get_last_pos_of_char(" ", text)
        words = split_unescaped(" ", text)
        if words and space_pos == len(text) - 1:
            words.append("")
        self.matches = []
        if len(words) <= 1:
            self.get_command_matches(words[0] if words else "")
        elif len(words) == 2 and words[0] in self.subcommands:
            self.get_subcommand_matches(words[0], words[1])
        else:
            found = self._path_matches(words[0], words[-1]) + self._app_matches(words[0], words[-1])
            prefix = text[:space_pos + 1] if want_prefix else ""
            self.matches = [prefix + match for match in found]
        return self.matches

    @staticmethod
    def _path_matches(command, word):
        if command not in _PATH_OPTIONS:
            return []
        from ..utils.completer import path_completer
        return path_completer(word, **_PATH_OPTIONS[command])

    @staticmethod
    def _app_matches(command, word):
        # Installed apps for run and uninstall, the others for install.
        if command not in ("run", "install", "uninstall"):
            return []
        import dxpy
        from ..exceptions import DXAPIError
        try:
            found = list(dxpy.find_apps(describe={"fields": {"name": True, "installed": True}}))
        except DXAPIError:
            return []
        want_installed = command != "install"
        return [result["describe"]["name"] for result in found
                if bool(result["describe"].get("installed")) == want_installed
                and result["describe"]["name"].startswith(word)]

    def complete(self, text, state):
        """readline's protocol: the *state*-th completion of *text*, None after the last."""
        if state == 0:
            self.get_matches(text, want_prefix=True)
        return self.matches[state] if state < len(self.matches) else None
