"""What dxpy's dx module offers besides its commands (stderr printing, result headers, the
client's address, a readline completer), and the commands that only the DNAnexus platform
serves."""
import subprocess
import sys

import pytest

import dxpy
from dxpy.cli.console import DXCLICompleter, ResultCounter, eprint, get_client_ip
from dxpy.exceptions import InvalidInput
from dx_cli import REPO, all_completions


def dx(*words):
    return subprocess.run([sys.executable, "-m", "dxpy.scripts.dx"] + list(words), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, cwd=REPO, timeout=60)


def test_eprint_writes_to_stderr(capsys):
    eprint("one", 2, sep="-")
    assert capsys.readouterr() == ("", "one-2\n")


def test_result_counter_numbers_the_headers():
    from dxpy.utils.printing import set_colors
    set_colors(False)
    counter = ResultCounter()
    assert [counter(), counter(), counter()] == ["Result 1:", "\nResult 2:", "\nResult 3:"]


def test_dx_module_offers_dxpy_names():
    import dxpy.scripts.dx as dx_module
    import dxpy.cli.workflow
    import dxpy.workflow_builder
    assert dx_module.workflow_cli is dxpy.cli.workflow and dx_module.workflow_builder is dxpy.workflow_builder
    assert dx_module.eprint is eprint and dx_module.args_list is not None
    from dxpy.cli import databases
    assert (dx_module.list_database_files, dx_module.get_database) == (databases.list_database_files,
                                                                      databases.get_database)
    assert dx_module.process_list_of_usernames(["Alice", "user-bob", "org-x", "PUBLIC"]) == [
        "user-alice", "user-bob", "org-x", "PUBLIC"]
    with pytest.raises(AttributeError):
        dx_module.no_such_name


def test_client_ip_is_the_address_the_server_sees(cli_emulator):
    assert get_client_ip() == "127.0.0.1"
    assert "clientIp" not in dxpy.api.system_whoami()
    assert dxpy.api.system_whoami({"fields": {"clientIp": False}}) == {"id": dxpy.whoami()}


@pytest.mark.parametrize("payload", [{"fields": {"clientIp": "yes"}}, {"fields": ["clientIp"]}])
def test_whoami_refuses_malformed_fields(cli_emulator, payload):
    with pytest.raises(InvalidInput):
        dxpy.api.system_whoami(payload)


@pytest.fixture
def in_project(cli_emulator, monkeypatch):
    project = dxpy.api.project_new({"name": "console completions"})["id"]
    dxpy.api.project_new_folder(project, {"folder": "/reads"})
    dxpy.upload_string("ACGT", project=project, folder="/", name="sample.fq", wait_on_close=True)
    dxpy.new_dxrecord(project=project, folder="/", name="samplesheet", close=True)
    monkeypatch.setattr(dxpy, "WORKSPACE_ID", project)
    monkeypatch.delenv("DX_CLI_WD", raising=False)
    return project


def test_completer_commands_and_subcommands(cli_emulator):
    completer = DXCLICompleter()
    assert completer.get_matches("log") == ["login ", "logout "]
    assert "ls " in completer.get_matches("")
    assert completer.get_matches("new pro") == ["new project "]
    assert sorted(completer.get_matches("find org")) == ["find org ", "find orgs "]
    assert all_completions(completer, "new rec") == ["new record "]
    assert completer.get_matches("nosuch") == []


def test_completer_paths_by_command(in_project):
    completer = DXCLICompleter()
    assert sorted(completer.get_matches("ls ")) == ["reads/", "sample.fq", "samplesheet"]
    assert completer.get_matches("cat sa") == ["sample.fq"]           # files only
    assert completer.get_matches("cd ") == ["reads/"]                 # folders only
    assert all_completions(completer, "head s") == ["head sample.fq"]  # readline gets the whole line
    assert completer.get_matches("pwd x") == []                        # no arguments to complete


@pytest.mark.parametrize("words, command", [
    (["extract_dataset", "record-x", "--fields", "a.b"], "extract_dataset"),
    (["extract_assay", "germline", "record-x", "--list-assays"], "extract_assay germline"),
    (["extract_assay", "somatic", "record-x"], "extract_assay somatic"),
    (["extract_assay", "expression", "record-x"], "extract_assay expression"),
    (["create_cohort", "--from", "record-x", "--cohort-ids", "1,2"], "create_cohort"),
    (["build_asset", "."], "build_asset"),
    (["notebook", "jupyter_lab"], "notebook"),
    (["loupe-viewer", "file-x"], "loupe-viewer"),
])
def test_platform_only_commands_say_why_and_exit_3(words, command):
    result = dx(*words)
    assert result.returncode == 3, result.stderr
    assert result.stdout == ""
    assert '"dx %s"' % command in result.stderr and "use dxpy's own dx against the DNAnexus platform" in result.stderr


def test_dataset_commands_live_where_dxpy_has_them():
    import dxpy.cli
    import dxpy.scripts.dx as dx_module
    assert dx_module.extract_dataset is dxpy.cli.dataset_utilities.extract_dataset
    assert dx_module.create_cohort is dxpy.cli.dataset_utilities.create_cohort


def test_notebook_and_loupe_viewer_are_not_listed_by_help():
    listing = dx("help", "all").stdout
    assert "notebook" not in listing and "loupe-viewer" not in listing


@pytest.mark.reference
def test_unknown_command_lists_the_same_choices_as_dxpy(twins):
    # The top-level help above the error is worded differently; the error and choices are dxpy's.
    ref, this = twins.outputs("dataset_extract")
    choices = [err[err.index("error: argument command"):] for _code, _out, err in (ref, this)]
    assert (this[0], choices[1]) == (ref[0], choices[0]) == (2, choices[0])
    assert "find, notebook, loupe-viewer, api" in choices[1].replace("\n", " ")


def test_watch_metrics_help_and_run_instance_count_help():
    import dxpy.scripts.dx as dx_module
    from dxpy.cli import watch
    assert dx_module.MetricsHelpAction is watch.MetricsHelpAction
    result = dx("watch", "--metrics-help")
    assert result.returncode == 0 and result.stdout.startswith("Detailed job metrics in dx watch")
    assert dx_module.ic_format in " ".join(dx("run", "--help").stdout.split())


def test_help_lists_the_categories():
    from dxpy.scripts.dx import category_list
    assert category_list.split("\n  ")[0] == "all\t\tAll commands"
    assert "CATEGORIES\n\n  " + category_list in dx("help", "--help").stdout
