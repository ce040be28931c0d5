"""Tests for dxpy.compat and dxpy.utils.printing."""
import argparse
import codecs
import hashlib
import io
import os
import subprocess
import sys
import textwrap
import threading

import pytest

from dxpy import compat
from dxpy.utils import printing

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_python(code, env=None, **kwargs):
    full_env = dict(os.environ)
    full_env["PYTHONPATH"] = REPO_ROOT + os.pathsep + full_env.get("PYTHONPATH", "")
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=REPO_ROOT, env=full_env,
                          universal_newlines=True, timeout=60, **kwargs)


# --- compat ---------------------------------------------------------------------------------

def test_compat_constants():
    assert compat.USING_PYTHON2 is False
    assert compat.basestring == (str, bytes)
    assert isinstance("x", compat.basestring) and isinstance(b"x", compat.basestring)
    assert compat.THREAD_TIMEOUT_MAX == threading.TIMEOUT_MAX
    assert compat.str is str and compat.bytes is bytes and compat.int is int
    assert compat.open is open and compat.input is input
    assert compat.StringIO is io.StringIO and compat.BytesIO is io.BytesIO
    assert compat.environ is os.environ
    assert compat.expanduser("~") == os.path.expanduser("~")


def test_sys_encoding_is_a_real_codec():
    codecs.lookup(compat.sys_encoding)


@pytest.mark.parametrize("lc_all, expected", [("C", "UTF-8"), ("en_US.ISO8859-1", "ISO8859-1")])
def test_sys_encoding_follows_locale_environment_without_warnings(lc_all, expected):
    r = run_python("import dxpy.compat as c; print(c.sys_encoding)",
                   env={"LC_ALL": lc_all, "LANG": ""}, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # -W error is not passed, so check stderr stays free of deprecation noise instead.
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == expected
    assert "DeprecationWarning" not in r.stderr


def test_md5_hasher_computes_md5():
    h = compat.md5_hasher()
    h.update(b"a")
    h.update(b"bc")
    assert h.hexdigest() == "900150983cd24fb0d6963f7d28e17f72"
    assert compat.md5_hasher() is not compat.md5_hasher()  # a fresh object each call


def test_md5_hasher_asks_for_non_security_use(monkeypatch):
    # A FIPS-mode OpenSSL refuses MD5 unless usedforsecurity=False.
    def fips_md5(data=b"", **kwargs):
        if kwargs.get("usedforsecurity", True):
            raise ValueError("[digital envelope routines] unsupported")
        return hashlib.sha256(data)  # stand-in so the call is visible

    monkeypatch.setattr(hashlib, "md5", fips_md5)
    assert compat.md5_hasher().name == "sha256"


def test_md5_hasher_without_usedforsecurity_keyword(monkeypatch):
    # Python 3.8's hashlib.md5 does not accept the keyword.
    real_md5 = hashlib.md5

    def old_md5(data=b""):
        return real_md5(data)

    monkeypatch.setattr(hashlib, "md5", old_md5)
    assert compat.md5_hasher().hexdigest() == real_md5(b"").hexdigest()


def test_compat_lazy_stdlib_names():
    from urllib.parse import quote, urlencode
    import http.client
    import shlex
    assert compat.urlencode is urlencode and compat.quote is quote
    assert compat.BadStatusLine is http.client.BadStatusLine
    assert compat.shlex is shlex
    assert "urlencode" in dir(compat)
    with pytest.raises(AttributeError):
        compat.no_such_name


def test_unwrap_stream_restores_wrapped_stream(monkeypatch):
    original = io.StringIO()
    wrapper = io.StringIO()
    wrapper._original_stream = original
    monkeypatch.setattr(sys, "stdout", wrapper)
    with compat.unwrap_stream("stdout"):
        assert sys.stdout is original
    assert sys.stdout is wrapper
    with pytest.raises(RuntimeError):
        with compat.unwrap_stream("stdout"):
            raise RuntimeError()
    assert sys.stdout is wrapper


def test_compat_noops():
    assert compat.wrap_stdio_in_codecs() is None
    assert compat.decode_command_line_args() is sys.argv


# --- printing: colours ------------------------------------------------------------------------

@pytest.fixture
def colors():
    saved = printing.color_state
    yield printing.set_colors
    printing.set_colors(saved)


@pytest.fixture
def delim():
    saved = printing.delimiter
    yield printing.set_delimiter
    printing.set_delimiter(saved)


COLOR_CODES = {"CYAN": "\033[36m", "LIGHTBLUE": "\033[1;34m", "BLUE": "\033[34m", "YELLOW": "\033[33m",
               "GREEN": "\033[32m", "RED": "\033[31m", "WHITE": "\033[37m", "UNDERLINE": "\033[4m",
               "BOLD": "\033[1m"}


@pytest.mark.parametrize("name", sorted(COLOR_CODES))
def test_colors_on(colors, name):
    colors(True)
    fn = getattr(printing, name)
    assert fn.__name__ == name
    assert fn() == COLOR_CODES[name]
    assert fn("text") == COLOR_CODES[name] + "text\033[0m"
    assert printing.ENDC() == "\033[0m"


@pytest.mark.parametrize("name", sorted(COLOR_CODES))
def test_colors_off(colors, name):
    colors(False)
    fn = getattr(printing, name)
    assert fn() == "" and fn("text") == "text" and printing.ENDC() == ""


def test_logo(colors):
    colors(False)
    assert printing.DNANEXUS_LOGO() == "DNAnexus"
    assert printing.DNANEXUS_X() == "x"
    colors(True)
    assert printing.DNANEXUS_LOGO() == "\033[1m\033[37mDNAne\033[36mx\033[37mus\033[0m"
    assert printing.DNANEXUS_X() == "\033[1m\033[36mx\033[37m\033[0m"


def test_defaults_when_stdout_is_not_a_terminal():
    r = run_python("""
        from dxpy.utils import printing as p
        print(p.color_state, p.tty_rows, p.tty_cols, p.std_width, repr(p.RED("x")))
    """, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["False", "24", "80", "78", "'x'"]


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
@pytest.mark.parametrize("cols, width", [(120, 100), (60, 58)])
def test_terminal_turns_colors_on_and_sets_width(cols, width):
    import fcntl
    import struct
    import termios
    master, slave = os.openpty()
    try:
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, cols, 0, 0))
        r = run_python("""
            import sys
            from dxpy.utils import printing as p
            sys.stderr.write("%s %s %s %s" % (p.color_state, p.tty_rows, p.tty_cols, p.std_width))
        """, stdout=slave, stderr=subprocess.PIPE)
    finally:
        os.close(slave)
        os.close(master)
    assert r.returncode == 0, r.stderr
    assert r.stderr.split() == ["True", "40", str(cols), str(width)]


# --- printing: text helpers -------------------------------------------------------------------

def test_fill_uses_standard_width_and_keeps_hyphenated_words(monkeypatch):
    monkeypatch.setattr(printing, "std_width", 30)
    text = "alpha-beta-gamma-delta " * 5
    lines = printing.fill(text).split("\n")
    assert all(len(line) <= 30 for line in lines)
    assert all(word == "alpha-beta-gamma-delta" for line in lines for word in line.split())
    assert max(len(ln) for ln in printing.fill(text, width_adjustment=-10).split("\n")) <= 20
    # Never narrower than 20 columns, and explicit keywords win.
    assert max(len(ln) for ln in printing.fill("a " * 40, width_adjustment=-100).split("\n")) > 10
    assert printing.fill("aa bb cc", width=5) == "aa bb\ncc"
    assert printing.fill("ab-cd ef", width=3, break_on_hyphens=True) == "ab-\ncd\nef"


def test_fill_minimum_width(monkeypatch):
    monkeypatch.setattr(printing, "std_width", 30)
    lines = printing.fill("abc " * 30, width_adjustment=-100).split("\n")
    assert max(len(ln) for ln in lines) <= 20 and max(len(ln) for ln in lines) >= 17


def test_refill_paragraphs_keeps_indented_blocks(monkeypatch):
    monkeypatch.setattr(printing, "std_width", 20)
    text = "one two three four five six seven\n\n    code  stays   as is\n\nshort\n"
    out = printing.refill_paragraphs(text)
    paragraphs = out.split("\n\n")
    assert paragraphs[0] == "one two three four\nfive six seven"
    assert paragraphs[1] == "    code  stays   as is"
    assert paragraphs[2] == "short"


def test_delimiter(delim):
    delim(None)
    assert printing.get_delimiter() is None
    assert printing.DELIMITER(" : ") == " : "
    delim("\t")
    assert printing.get_delimiter() == "\t" and printing.get_delimiter("ignored") == "\t"
    assert printing.DELIMITER(" : ") == "\t"


def test_nostderr_silences_and_restores(monkeypatch):
    target = io.StringIO()
    monkeypatch.setattr(sys, "stderr", target)
    with printing.nostderr():
        print("hidden", file=sys.stderr)
    print("shown", file=sys.stderr)
    with pytest.raises(KeyError):
        with printing.nostderr():
            raise KeyError("x")
    assert sys.stderr is target
    assert target.getvalue() == "shown\n"
    assert printing.DummyFile().write("abc") == 3


def test_pager_writes_directly_when_not_a_terminal():
    out = io.StringIO()
    content = "\n".join("line %d" % i for i in range(500))
    printing.pager(content, pager="false", file=out)
    assert out.getvalue() == content
    empty = io.StringIO()
    printing.pager("", file=empty)
    assert empty.getvalue() == ""


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
@pytest.mark.parametrize("pager_cmd, via_pager", [("cat > {out}", True), ("exit 3", False)])
def test_pager_on_a_terminal(tmp_path, pager_cmd, via_pager):
    import select
    out = tmp_path / "paged.txt"
    master, slave = os.openpty()
    try:
        r = run_python("""
            import os
            from dxpy.utils import printing as p
            assert p.color_state
            p.pager("\\n".join("row %d" % i for i in range(200)) + "\\n", pager=os.environ["PAGER_CMD"])
        """, env={"PAGER_CMD": pager_cmd.format(out=out)}, stdout=slave, stderr=subprocess.PIPE)
        terminal = b""
        while select.select([master], [], [], 0.2)[0]:
            chunk = os.read(master, 65536)
            if not chunk:
                break
            terminal += chunk
    finally:
        os.close(slave)
        os.close(master)
    assert r.returncode == 0, r.stderr
    if via_pager:
        assert out.read_text().splitlines() == ["row %d" % i for i in range(200)]
        assert b"row 1" not in terminal
    else:  # the pager failed: the text must still reach the user
        assert b"row 0" in terminal and b"row 199" in terminal


# --- printing: dx find output -----------------------------------------------------------------

def find_args(func_name, json=False, brief=False, verbose=False):
    def func():
        pass
    func.__name__ = func_name
    return argparse.Namespace(json=json, brief=brief, verbose=verbose, func=func)


PROJECTS = [{"id": "project-1", "level": "ADMINISTER", "describe": {"name": "Alpha"}},
            {"id": "project-2", "level": "VIEW", "describe": {"name": "Beta"}}]


def test_find_results_json_and_brief(capsys):
    printing.format_find_results(find_args("find_projects", json=True), iter(PROJECTS))
    import json
    assert json.loads(capsys.readouterr().out) == PROJECTS
    printing.format_find_results(find_args("find_projects", brief=True), PROJECTS)
    assert capsys.readouterr().out == "project-1\nproject-2\n"


def test_find_projects_results(capsys, delim):
    delim(None)
    printing.format_find_results(find_args("org_find_projects"), PROJECTS)
    assert capsys.readouterr().out == "project-1 : Alpha (ADMINISTER)\nproject-2 : Beta (VIEW)\n"
    delim("\t")
    printing.format_find_results(find_args("find_projects"), PROJECTS[:1])
    assert capsys.readouterr().out == "project-1\tAlpha\tADMINISTER\t\n"


def test_find_org_members_results(capsys, delim):
    delim(None)
    members = [{"id": "user-ann", "level": "MEMBER", "describe": {"first": "Ann", "last": "Lee"}}]
    printing.format_find_results(find_args("org_find_members"), members)
    assert capsys.readouterr().out == "user-ann : Ann Lee  (MEMBER)\n"


def test_find_apps_results(capsys, colors, delim):
    colors(False)
    delim(None)
    apps = [{"id": "app-1", "describe": {"name": "bwa", "title": "BWA", "version": "1.0.0",
                                         "billTo": "org-dnanexus", "published": 1}},
            {"id": "app-2", "describe": {"name": "mine", "version": "0.1.0", "billTo": "org-me"}}]
    printing.format_find_results(find_args("org_find_apps"), apps)
    assert capsys.readouterr().out == "x BWA (bwa), v1.0.0\n  mine (mine), v0.1.0\n"
    printing.format_find_results(find_args("org_find_apps", verbose=True), apps)
    assert capsys.readouterr().out == ("x app-1 BWA (bwa), v1.0.0 (published)\n"
                                       "  app-2 mine (mine), v0.1.0 (unpublished)\n")


def test_find_results_unknown_command_prints_nothing(capsys):
    # Only exact command names select a format (no substring matches).
    printing.format_find_results(find_args("find"), PROJECTS)
    assert capsys.readouterr().out == ""
