"""dxpy.cli.output_handling (the writer of dx extract_assay's results) and the help texts of
dxpy.cli.help_messages."""
import json

import pytest

from dxpy.cli import help_messages
from dxpy.cli.output_handling import pretty_print_json, write_expression_output

ROWS = [{"id": 1, "name": "a,b"}, {"id": None, "name": 'say "hi"'}]


class Refused(Exception):
    pass


def refuse(message):
    raise Refused(message)


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("delimiter, expected", [
    (None, 'id,name\n1,"a,b"\n,"say ""hi"""\n'),
    ("\t", 'id\tname\n1\ta,b\n\t"say ""hi"""\n'),
    ("|", 'id|name\n1|a,b\n|"say ""hi"""\n'),
])
def test_rows_to_stdout(capsys, delimiter, expected):
    write_expression_output("-", delimiter, False, ROWS)
    assert capsys.readouterr().out == expected


def test_column_order_from_colnames(capsys):
    write_expression_output("-", ",", False, ROWS, colnames=["name", "id"])
    assert capsys.readouterr().out.splitlines()[:2] == ["name,id", '"a,b",1']


def test_sql_to_stdout(capsys):
    write_expression_output("-", None, True, "SELECT 1")
    assert capsys.readouterr().out == "SELECT 1\n"


@pytest.mark.parametrize("delimiter, sql, content, suffix", [
    (None, False, ROWS, ".csv"), (",", False, ROWS, ".csv"), ("\t", False, ROWS, ".tsv"),
    (";", False, ROWS, ".txt"), (None, True, "SELECT 2", ".sql"),
])
def test_file_named_by_content(in_tmp, delimiter, sql, content, suffix):
    write_expression_output(None, delimiter, sql, content, output_file_name="result")
    written = (in_tmp / ("result" + suffix)).read_text()
    assert written == ("SELECT 2" if sql else written)
    assert sql or written.splitlines()[0] == (delimiter or ",").join(["id", "name"])


def test_given_output_path(in_tmp):
    write_expression_output(str(in_tmp / "out.data"), None, False, ROWS)
    assert (in_tmp / "out.data").read_text().startswith("id,name\n")


@pytest.mark.parametrize("arguments, keywords, message", [
    (("-", None, True, ["not", "sql"]), {}, "Expected SQL query to be a string"),
    (("-", "|", False, ROWS), {"save_uncommon_delim_to_txt": False}, "Unsupported delimiter: |"),
    (("", None, False, ROWS), {}, "No output filename specified"),
    (("-", None, False, [{"a": 1}, {"b": 2}]), {}, "All rows must have the same column names"),
])
def test_refusals(in_tmp, arguments, keywords, message):
    with pytest.raises(Refused) as refusal:
        write_expression_output(*arguments, error_handler=refuse, **keywords)
    assert str(refusal.value) == message
    assert list(in_tmp.iterdir()) == []


def test_existing_file_or_folder_is_kept(in_tmp):
    (in_tmp / "taken.csv").write_text("mine")
    with pytest.raises(Refused, match="taken.csv already exists. Please specify a new file path"):
        write_expression_output(None, None, False, ROWS, output_file_name="taken", error_handler=refuse)
    assert (in_tmp / "taken.csv").read_text() == "mine"
    with pytest.raises(Refused, match=" is a directory. Please specify a new file path"):
        write_expression_output(str(in_tmp), None, False, ROWS, error_handler=refuse)


def test_a_handler_that_returns_stops_the_writing(in_tmp, capsys):
    messages = []
    write_expression_output("-", None, False, [{"a": 1}, {"b": 2}], error_handler=messages.append)
    assert messages == ["All rows must have the same column names"] and capsys.readouterr().out == ""


def test_refusal_exits_as_dx_does(capsys):
    with pytest.raises(SystemExit) as exit_info:
        write_expression_output("-", None, True, 42)
    assert exit_info.value.code == 1 and "Expected SQL query to be a string" in capsys.readouterr().err


def test_pretty_print_json(capsys):
    assert pretty_print_json({"b": [1], "a": None}) == '{\n    "a": null,\n    "b": [\n        1\n    ]\n}'
    assert pretty_print_json(["not", "a", "dict"]) is None
    assert capsys.readouterr().err == "WARNING: Invalid JSON provided.\n"


def test_expression_help_texts():
    template = help_messages.EXTRACT_ASSAY_EXPRESSION_JSON_TEMPLATE
    assert set(json.loads(template)) == {"location", "expression", "annotation", "sample_id"}
    assert help_messages.EXTRACT_ASSAY_EXPRESSION_JSON_HELP.endswith(template)
    rows = help_messages.EXTRACT_ASSAY_EXPRESSION_ADDITIONAL_FIELDS_HELP.splitlines()
    names = {row.split()[0] for row in rows if row.startswith(" ") or row[:1].islower()}
    assert names >= {"sample_id", "feature_id", "value", "feature_name", "chrom", "start", "end", "strand"}
