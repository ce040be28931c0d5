"""Tests for dxpy.utils.describe: the text of ``dx describe`` / ``dx ls -l`` / ``dx find
executions``. Expected strings are what dxpy 0.417.1 prints for the same input (UTC,
78-column terminal)."""
import copy
import io
import re
import time
from contextlib import redirect_stdout

import pytest

import dxpy
from dxpy.utils import describe, printing

T = 1700000000123  # Tue Nov 14 22:13:20 2023 UTC, in milliseconds
H = "H" * 24
JBOR = {"$dnanexus_link": {"job": "job-" + "A" * 24, "field": "out", "index": 2}}
JBOR_SHORT = {"job": "job-" + "B" * 24, "field": "f"}
SPEC = [
    {"name": "reads", "class": "array:file", "optional": True, "help": "FASTQ files"},
    {"name": "n", "class": "int", "default": 3},
    {"name": "t", "class": "file", "type": {"$and": ["A", {"$or": ["B", "C"]}]}, "group": "Advanced"},
    {"name": "s", "class": "string", "group": "Advanced", "default": "a long default value " * 4},
    {"name": "u", "class": "boolean", "group": "Other"},
]
FILE = {"id": "file-" + H, "class": "file", "project": "project-" + H, "folder": "/data", "name": "reads.fq",
        "state": "closed", "hidden": False, "types": ["FASTQ"], "properties": {"lane": "1", "run": "r7"},
        "tags": [], "details": {"x": 1}, "links": [], "created": T,
        "createdBy": {"user": "user-bob", "job": "job-" + H, "executable": "applet-" + H},
        "modified": T + 5000, "media": "text/plain", "size": 123456789, "sponsored": True,
        "archivalState": "live", "unknown": [1, {"é": 2}]}
RECORD = {"id": "record-" + H, "class": "record", "name": "table", "created": T, "modified": T, "state": "open",
          "size": 77, "length": 5, "columns": [{"name": "a", "type": "int"}, {"name": "b", "type": "string"}]}
APPLET = {"id": "applet-" + H, "class": "applet", "project": "project-" + H, "folder": "/", "name": "my applet",
          "created": T, "modified": T, "title": "Title", "summary": "sum", "description": "desc", "dxapi": "1.0.0",
          "access": {"network": ["*"]}, "inputSpec": SPEC, "outputSpec": [], "details": {"advancedInputs": ["u"]},
          "runSpec": {"interpreter": "bash", "resources": "project-y",
                      "bundledDepends": [{"name": "b.tgz", "id": {"$dnanexus_link": "record-" + "Q" * 24}}],
                      "execDepends": [{"name": "samtools"},
                                      {"name": "pysam", "package_manager": "pip", "version": "0.1"}],
                      "systemRequirements": {"*": {"instanceType": "mem1_ssd1_x4"}}},
          "treeTurnaroundTimeThreshold": None, "state": "closed"}
WORKFLOW = {"id": "workflow-" + H, "class": "workflow", "name": "wf", "created": T, "modified": T, "editVersion": 3,
            "outputFolder": None, "inputs": [{"name": "a", "class": "int"}], "outputs": [], "inputSpec": SPEC,
            "outputSpec": [],
            "stages": [{"id": "stage-1", "name": "S1", "executable": "applet-a", "accessible": False},
                       {"id": "stage-2", "name": None, "executable": "app-b",
                        "execution": {"id": "job-" + "C" * 24, "state": "done", "parentAnalysis": "analysis-zz"}}],
            "initializedFrom": {"id": "workflow-src"},
            "latestAnalysis": {"id": "analysis-" + H, "created": T, "state": "failed"}}
PROJECT = {"id": "project-" + H, "class": "project", "name": "Proj", "summary": "s", "description": "d",
           "version": 3, "billTo": "user-alice", "pendingTransfer": None, "level": "ADMINISTER",
           "region": "aws:us-east-1", "protected": False, "restricted": True, "containsPHI": False,
           "databaseUIViewOnly": True, "externalUploadRestricted": False, "defaultSymlink": None,
           "created": T, "createdBy": {"user": "user-alice"}, "modified": T + 99999, "dataUsage": 1.23456,
           "sponsoredDataUsage": 0, "storageCost": 0.1234, "totalSponsoredEgressBytes": 2 * 1073741824,
           "currentMonthComputeUsage": 1234.5, "currentMonthComputeAvailableBudget": None,
           "currentMonthEgressBytesUsage": 100, "currentMonthEgressBytesAvailableBudget": 1000,
           "currentMonthExpectedStorageUsage": None, "currentMonthStorageAvailableBudget": 50.0,
           "currency": {"dxCode": 7, "symbol": "$", "symbolPosition": "left"}, "atSpendingLimit": False,
           "objects": 12, "folders": ["/", "/a"], "permissions": {"user-alice": "ADMINISTER", "org-x": "VIEW"},
           "tags": ["t"], "properties": {"p": "q"}, "appCaches": {}, "extra": {"z": None}}
CONTAINER = {"id": "container-" + H, "class": "container", "created": T, "modified": T, "dataUsage": 0,
             "type": "app", "project": "project-x", "app": "app-y", "appName": "y"}
APP = {"id": "app-" + H, "class": "app", "billTo": "org-foo", "name": "myapp", "version": "1.2.3",
       "aliases": ["default", "1.2.3"], "createdBy": "user-carol", "created": T, "modified": T,
       "applet": "applet-" + H, "installed": True, "openSource": False, "deleted": False, "published": T,
       "title": "My App", "subtitle": None, "summary": "does it", "categories": ["Misc"],
       "details": {"advancedInputs": ["u"], "citations": []}, "access": {}, "dxapi": "1.0.0",
       "inputSpec": SPEC, "outputSpec": SPEC[:1], "runSpec": {"interpreter": "python3", "execDepends": []},
       "resources": "container-r", "installs": 7, "authorizedUsers": ["PUBLIC"],
       "treeTurnaroundTimeThreshold": 100, "developerNotes": "n", "unknownfield": 1}
GLOBALWORKFLOW = {"id": "globalworkflow-" + H, "class": "globalworkflow", "name": "gw", "version": "0.0.1",
                  "aliases": [], "createdBy": "user-x", "created": T, "modified": T, "published": -1,
                  "categories": [], "dxapi": "1.0.0", "regionalOptions": {}, "authorizedUsers": [], "foo": "bar"}
JOB = {"id": "job-" + H, "try": 1, "class": "job", "name": "myjob", "executableName": "myapplet",
       "project": "project-" + H, "region": "aws:us-east-1", "billTo": "user-alice", "workspace": "container-w",
       "projectCache": "container-pc", "resources": "container-res", "applet": "applet-" + H,
       "executable": "applet-" + H, "instanceType": "mem2", "priority": "high", "state": "failed",
       "rootExecution": "job-" + H, "originJob": None, "parentJob": "job-" + "P" * 24, "parentJobTry": 0,
       "parentAnalysis": None, "analysis": None, "function": "main",
       "runInput": {"a": 1, "f": JBOR_SHORT, "l": [JBOR, {"$dnanexus_link": "file-" + H}]},
       "originalInput": {"a": 1, "f": JBOR_SHORT, "d": {"x": {"$dnanexus_link": {"project": "project-1",
                                                                                 "id": "file-2"}}}},
       "input": {"a": 1, "f": JBOR_SHORT, "l": [JBOR, {"$dnanexus_link": "file-" + H}]},
       "output": {"o": "x" * 90, "p": [1, 2]}, "folder": "/out", "preserveJobOutputs": {"folder": "/keep"},
       "launchedBy": "user-alice", "created": T, "tryCreated": T + 1000, "startedRunning": T + 60000,
       "stoppedRunning": T + 3725000, "modified": T + 4000000, "waitingOnChildren": [],
       "dependsOn": ["job-1", "job-2"], "failureReason": "AppError", "failureMessage": "boom " * 25,
       "failureFrom": {"id": "job-other", "try": 2}, "tags": ["a"], "properties": {"k": "v"},
       "details": {"clonedFrom": {"id": "job-orig", "name": "orig", "executable": "applet-other",
                                  "project": "project-" + H, "folder": "/else", "runInput": {"a": 2, "f": JBOR_SHORT},
                                  "systemRequirements": {"main": {"instanceType": "x"}}}},
       "totalPrice": 12345.678, "currency": {"dxCode": 5, "symbol": "€", "symbolPosition": "right"},
       "spotCostSavings": -3, "spotWaitTime": 3725, "maxTreeSpotWaitTime": 0, "maxJobSpotWaitTime": 59,
       "invoiceMetadata": {"a": 1}, "internetUsageIPs": ["1.2.3.4"], "treeTurnaroundTime": 5,
       "selectedTreeTurnaroundTimeThreshold": 10, "selectedTreeTurnaroundTimeThresholdFrom": "app",
       "systemRequirements": {"main": {"instanceType": "x"}}, "runSystemRequirements": None,
       "stdout": None, "newthing": [1]}
ANALYSIS = {"id": "analysis-" + H, "class": "analysis", "name": "an", "executableName": "wf",
            "project": "project-" + H, "executable": "globalworkflow-" + H,
            "workflow": {"id": "workflow-1", "stages": [{"id": "stage-1", "name": "S", "executable": "applet-a"},
                                                        {"id": "stage-2", "name": "T", "executable": "applet-b"}]},
            "stages": [{"id": "stage-1", "execution": {"id": "job-1", "state": "running",
                                                       "parentAnalysis": "analysis-" + H}},
                       {"id": "stage-2", "execution": {"id": "job-2", "state": "done",
                                                       "parentAnalysis": "analysis-OTHER"}}],
            "state": "done", "parentJob": None, "originalInput": {}, "input": {}, "output": None,
            "launchedBy": "user-bob", "created": T, "modified": T + 10,
            "stateTransitions": [{"newState": "running", "setAt": T + 1}, {"newState": "done", "setAt": T + 90061000}],
            "isFree": True, "totalPrice": 3, "analysis": "analysis-parent", "stage": "stage-9"}
USER = {"id": "user-alice", "class": "user", "first": "Alice", "middle": "", "last": "Smith", "email": "a@b.c",
        "billTo": "org-x", "appsInstalled": ["app-a", "app-b"]}
ORG = {"id": "org-foo", "class": "org", "name": "Foo", "level": "ADMIN"}
FIND_JOB = {"id": "job-" + H, "class": "job", "parentJob": None, "executableName": "app1", "function": "main",
            "name": "app1", "state": "done", "launchedBy": "user-alice", "created": T, "startedRunning": T + 1000,
            "stoppedRunning": T + 3725000, "output": {"x": 1, "y": JBOR}, "try": 2}
FIND_SUBJOB = dict(FIND_JOB, parentJob="job-p", name="sub", function="process", state="failed", output=None,
                   failureReason="AppError", failureMessage="msg " * 25)
FIND_ANALYSIS = {"id": "analysis-" + H, "class": "analysis", "parentJob": "job-x", "executableName": "wf",
                 "state": "in_progress", "launchedBy": "user-bob", "created": T, "name": "wf"}

PLAIN, COLOR, TAB = (False, None), (True, None), (False, "\t")

# (case name, function name, positional args, keyword args, (colours, delimiter))
CASES = [
    ("size None", "get_size_str", (None,), {}, PLAIN),
    ("size 0", "get_size_str", (0,), {}, PLAIN),
    ("size 999", "get_size_str", (999,), {}, PLAIN),
    ("size 1000", "get_size_str", (1000,), {}, PLAIN),
    ("size 1023", "get_size_str", (1023,), {}, PLAIN),
    ("size 1024", "get_size_str", (1024,), {}, PLAIN),
    ("size 123456789", "get_size_str", (123456789,), {}, PLAIN),
    ("size 10**13", "get_size_str", (10 ** 13,), {}, PLAIN),
    ("size 10**16", "get_size_str", (10 ** 16,), {}, PLAIN),
    ("job failed", "JOB_STATES", ("failed",), {}, COLOR),
    ("job done", "JOB_STATES", ("done",), {}, COLOR),
    ("job running", "JOB_STATES", ("running",), {}, COLOR),
    ("job in_progress", "JOB_STATES", ("in_progress",), {}, COLOR),
    ("job partially_failed", "JOB_STATES", ("partially_failed",), {}, COLOR),
    ("job idle", "JOB_STATES", ("idle",), {}, COLOR),
    ("job idle plain", "JOB_STATES", ("idle",), {}, PLAIN),
    ("data open", "DATA_STATES", ("open",), {}, COLOR),
    ("data closing", "DATA_STATES", ("closing",), {}, COLOR),
    ("data closed", "DATA_STATES", ("closed",), {}, COLOR),
    ("data other", "DATA_STATES", ("abandoned",), {}, COLOR),
    ("typespec str", "parse_typespec", ("A",), {}, PLAIN),
    ("typespec nested", "parse_typespec", ({"$or": ["A", {"$and": ["B", "C"]}]},), {}, PLAIN),
    ("typespec bad", "parse_typespec", ({"x": 1},), {}, PLAIN),
    ("io_desc array optional", "get_io_desc", (SPEC[0],), {}, PLAIN),
    ("io_desc default", "get_io_desc", (SPEC[1],), {}, PLAIN),
    ("io_desc type", "get_io_desc", (SPEC[2],), {}, PLAIN),
    ("io_desc no class", "get_io_desc", (SPEC[1],), {"include_class": False}, PLAIN),
    ("io_desc no class no extras", "get_io_desc", (SPEC[4],), {"include_class": False}, PLAIN),
    ("io_desc no opt", "get_io_desc", (SPEC[0],), {"show_opt": False}, PLAIN),
    ("io_desc help array optional", "get_io_desc", (SPEC[0],), {"app_help_version": True}, PLAIN),
    ("io_desc help array required", "get_io_desc", ({"name": "x", "class": "array:int"},),
     {"app_help_version": True}, PLAIN),
    ("io_desc help scalar", "get_io_desc", (SPEC[1],), {"app_help_version": True}, PLAIN),
    ("io_desc help no class", "get_io_desc", (SPEC[4],), {"app_help_version": True, "include_class": False},
     PLAIN),
    ("io_spec", "get_io_spec", (SPEC,), {}, PLAIN),
    ("io_spec skip", "get_io_spec", (SPEC,), {"skip_fields": ["u"]}, PLAIN),
    ("io_spec tab", "get_io_spec", (SPEC,), {}, TAB),
    ("io_spec empty", "get_io_spec", ([],), {}, PLAIN),
    ("io_spec none", "get_io_spec", (None,), {}, PLAIN),
    ("io_val int", "io_val_to_str", (1,), {}, PLAIN),
    ("io_val str", "io_val_to_str", ("s",), {}, PLAIN),
    ("io_val null", "io_val_to_str", (None,), {}, PLAIN),
    ("io_val empty list", "io_val_to_str", ([],), {}, PLAIN),
    ("io_val hash", "io_val_to_str", ({"a": 1, "b": [2, "c"]},), {}, PLAIN),
    ("io_val jbor", "io_val_to_str", (JBOR,), {}, PLAIN),
    ("io_val jbor short", "io_val_to_str", (JBOR_SHORT,), {}, PLAIN),
    ("io_val link", "io_val_to_str", ({"$dnanexus_link": "file-x"},), {}, PLAIN),
    ("io_val link project", "io_val_to_str", ({"$dnanexus_link": {"project": "project-a", "id": "file-b"}},),
     {}, PLAIN),
    ("io_val link id only", "io_val_to_str", ({"$dnanexus_link": {"id": "file-b"}},), {}, PLAIN),
    ("io_val nested", "io_val_to_str", ([JBOR, [JBOR_SHORT]],), {}, PLAIN),
    ("job_output empty", "job_output_to_str", ({},), {}, PLAIN),
    ("job_output", "job_output_to_str", (JOB["output"],), {}, PLAIN),
    ("job_output prefix", "job_output_to_str", ({"a": 1, "b": JBOR},),
     {"prefix": "\n│ ", "title": "Out: ", "title_len": 3}, PLAIN),
    ("io_field none", "get_io_field", (None,), {}, PLAIN),
    ("io_field empty", "get_io_field", ({},), {}, PLAIN),
    ("io_field", "get_io_field", (JOB["originalInput"],), {}, PLAIN),
    ("io_field defaults", "get_io_field", ({"a": 1},), {"defaults": {"b": [1, 2], "c": "x" * 60}}, PLAIN),
    ("io_field highlight", "get_io_field", ({"a": 1, "b": 2},), {"highlight_fields": ["b"]}, COLOR),
    ("io_field tab", "get_io_field", ({"a": 1, "b": "y"},), {"delim": "=>", "defaults": {"c": 3}}, TAB),
    ("execdepends", "render_execdepends", (APPLET["runSpec"]["execDepends"],), {}, PLAIN),
    ("bundleddepends record", "render_bundleddepends", (APPLET["runSpec"]["bundledDepends"],), {}, PLAIN),
    ("stage", "render_stage", ("Stage 0", WORKFLOW["stages"][0]), {}, COLOR),
    ("stage execution", "render_stage", ("Stage 1", WORKFLOW["stages"][1]), {}, PLAIN),
    ("stage cached", "render_stage", ("Stage 1", WORKFLOW["stages"][1]), {"as_stage_of": "analysis-me"}, PLAIN),
    ("short timestamp", "render_short_timestamp", (T,), {}, PLAIN),
    ("timestamp", "render_timestamp", (T,), {}, PLAIN),
    ("timestamp single digit day", "render_timestamp", (1234567890999,), {}, PLAIN),
    ("field", "print_field", ("Label", "value"), {}, PLAIN),
    ("field wrapped", "print_field", ("Label", "word " * 30), {}, PLAIN),
    ("field long label", "print_field", ("L" * 40, "v"), {}, PLAIN),
    ("field tab", "print_field", ("Label", "word " * 30), {}, TAB),
    ("nofill", "print_nofill_field", ("Input", "a\nb"), {}, PLAIN),
    ("nofill tab", "print_nofill_field", ("Input", "a"), {}, TAB),
    ("list", "print_list_field", ("Tags", ["a", "b"]), {}, PLAIN),
    ("list tab", "print_list_field", ("Tags", ["a", "b"]), {}, TAB),
    ("list empty", "print_list_field", ("Tags", []), {}, PLAIN),
    ("json", "print_json_field", ("X", {"é": [1, None]}), {}, PLAIN),
    ("locked note", "print_locked_workflow_note", (), {}, PLAIN),
    ("currency meta left", "format_currency_from_meta", (1234567.891, {"symbol": "$", "symbolPosition": "left"}),
     {}, PLAIN),
    ("currency meta negative", "format_currency_from_meta", (-5.5, {"symbol": "$", "symbolPosition": "left"}),
     {}, PLAIN),
    ("currency meta right", "format_currency_from_meta", (0.004, {"symbol": "€", "symbolPosition": "right"}),
     {}, PLAIN),
    ("currency unknown code", "format_currency", (-1234.5, {"dxCode": 9, "symbol": "¥", "symbolPosition": "left"}),
     {}, PLAIN),
    ("currency missing locale", "format_currency", (2.5, {"dxCode": 0, "symbol": "$", "symbolPosition": "left"}),
     {"currency_locale": "xx_YY"}, PLAIN),
    ("col", "get_col_str", ({"name": "a", "type": "int"},), {}, PLAIN),
    ("col tab", "get_col_str", ({"name": "a", "type": "int"},), {}, TAB),
    ("user", "print_desc", (USER,), {}, PLAIN),
    ("user middle name", "print_desc", (dict(USER, middle="Q"),), {}, PLAIN),
    ("org", "print_desc", (ORG,), {}, PLAIN),
    ("file", "print_desc", (FILE,), {}, PLAIN),
    ("file verbose color", "print_desc", (FILE,), {"verbose": True}, COLOR),
    ("file tab", "print_desc", (FILE,), {}, TAB),
    ("file without class", "print_desc", ({k: v for k, v in FILE.items() if k != "class"},), {}, PLAIN),
    ("record", "print_desc", (RECORD,), {}, PLAIN),
    ("record tab", "print_desc", (RECORD,), {}, TAB),
    ("applet", "print_desc", (APPLET,), {}, PLAIN),
    ("applet verbose", "print_desc", (APPLET,), {"verbose": True}, PLAIN),
    ("workflow", "print_desc", (WORKFLOW,), {}, COLOR),
    ("project", "print_desc", (PROJECT,), {}, PLAIN),
    ("project verbose", "print_desc", (PROJECT,), {"verbose": True}, PLAIN),
    ("container", "print_desc", (CONTAINER,), {}, PLAIN),
    ("app", "print_desc", (APP,), {}, PLAIN),
    ("app verbose", "print_desc", (APP,), {"verbose": True}, PLAIN),
    ("app deleted", "print_desc", (dict(APP, deleted=True),), {}, PLAIN),
    ("globalworkflow", "print_desc", (GLOBALWORKFLOW,), {}, PLAIN),
    ("job", "print_desc", (JOB,), {}, PLAIN),
    ("job color", "print_desc", (JOB,), {}, COLOR),
    ("job tab", "print_desc", (JOB,), {}, TAB),
    ("analysis", "print_desc", (ANALYSIS,), {}, COLOR),
    ("ls", "get_ls_desc", (FILE,), {}, PLAIN),
    ("ls id", "get_ls_desc", (FILE,), {"print_id": True}, PLAIN),
    ("ls applet", "get_ls_desc", (APPLET,), {"print_id": True}, COLOR),
    ("ls truthy print_id", "get_ls_desc", (FILE,), {"print_id": 1}, PLAIN),
    ("print ls", "print_ls_desc", (FILE,), {"print_id": True}, PLAIN),
    ("ls header", "get_ls_l_header", (), {}, COLOR),
    ("ls header tab", "get_ls_l_header", (), {}, TAB),
    ("print ls header", "print_ls_l_header", (), {}, PLAIN),
    ("ls -l file", "get_ls_l_desc", (FILE,), {}, COLOR),
    ("ls -l file folder project", "get_ls_l_desc", (FILE,), {"include_folder": True, "include_project": True},
     PLAIN),
    ("ls -l open root", "get_ls_l_desc", (dict(FILE, state="open", folder="/"),), {"include_folder": True}, COLOR),
    ("ls -l record", "get_ls_l_desc", (RECORD,), {}, PLAIN),
    ("ls -l applet tab", "get_ls_l_desc", (APPLET,), {}, TAB),
    ("ls -l no state", "get_ls_l_desc", ({"id": "x", "class": "file", "name": "n", "modified": T},), {}, PLAIN),
    ("print ls -l", "print_ls_l_desc", (FILE,), {"include_folder": True}, PLAIN),
    ("find job", "get_find_executions_string", (FIND_JOB, False), {}, PLAIN),
    ("find job children color", "get_find_executions_string", (FIND_JOB, True), {}, COLOR),
    ("find job try", "get_find_executions_string", (FIND_JOB, True), {"show_try": True, "show_outputs": False},
     PLAIN),
    ("find job cached", "get_find_executions_string", (FIND_JOB, False), {"is_cached_result": True}, COLOR),
    ("find job try root", "get_find_executions_string", (FIND_JOB, True), {"as_try_group_root": True}, PLAIN),
    ("find job renamed", "get_find_executions_string", (dict(FIND_JOB, name="other"), False), {}, PLAIN),
    ("find job no name", "get_find_executions_string",
     ({k: v for k, v in FIND_JOB.items() if k != "name"}, False), {}, PLAIN),
    ("find job tab", "get_find_executions_string", (FIND_JOB, True), {}, TAB),
    ("find subjob failed", "get_find_executions_string", (FIND_SUBJOB, False), {}, PLAIN),
    ("find subjob single", "get_find_executions_string", (FIND_SUBJOB, True), {"single_result": True}, COLOR),
    ("find analysis", "get_find_executions_string", (FIND_ANALYSIS, True), {}, COLOR),
]


GOLDEN = {
    'size None': '0 bytes',
    'size 0': '0 bytes',
    'size 999': '999 bytes',
    'size 1000': '1000 bytes',
    'size 1023': '1.00 KB',
    'size 1024': '1.00 KB',
    'size 123456789': '117.74 MB',
    'size 10**13': '9.09 TB',
    'size 10**16': '9094.95 TB',
    'job failed': '\x1b[1m\x1b[31mfailed\x1b[0m',
    'job done': '\x1b[1m\x1b[32mdone\x1b[0m',
    'job running': '\x1b[32mrunning\x1b[0m',
    'job in_progress': '\x1b[32min_progress\x1b[0m',
    'job partially_failed': '\x1b[31mpartially_failed\x1b[0m',
    'job idle': '\x1b[33midle\x1b[0m',
    'job idle plain': 'idle',
    'data open': '\x1b[33mopen\x1b[0m',
    'data closing': '\x1b[33mclosing\x1b[0m',
    'data closed': '\x1b[32mclosed\x1b[0m',
    'data other': 'abandoned',
    'typespec str': 'A',
    'typespec nested': '(A OR (B AND C))',
    'typespec bad': 'Type spec could not be parsed',
    'io_desc array optional': '[reads (array:file)]',
    'io_desc default': '[n (int, default=3)]',
    'io_desc type': 't (file, type (A AND (B OR C)))',
    'io_desc no class': '[n (default=3)]',
    'io_desc no class no extras': 'u',
    'io_desc no opt': 'reads (array:file)',
    'io_desc help array optional': '[-ireads=(file) [-ireads=... [...]]]',
    'io_desc help array required': '-ix=(int) [-ix=... [...]]',
    'io_desc help scalar': '[-in=(int, default=3)]',
    'io_desc help no class': '-iu',
    'io_spec': (
        '[reads (array:file)]\n'
        '                [n (int, default=3)]\n'
        '                Advanced:\n'
        '                    t (file, type (A AND (B OR C)))\n'
        '                    [s (string, default="a long default value a long default\n'
        '                  value a long default value a long default\n'
        '                  value ")]\n'
        '                Other:\n'
        '                    u (boolean)'
    ),
    'io_spec skip': (
        '[reads (array:file)]\n'
        '                [n (int, default=3)]\n'
        '                Advanced:\n'
        '                    t (file, type (A AND (B OR C)))\n'
        '                    [s (string, default="a long default value a long default\n'
        '                  value a long default value a long default\n'
        '                  value ")]\n'
        '                <advanced inputs hidden; use --verbose to see more>'
    ),
    'io_spec tab': (
        '[reads (array:file)]\n'
        '\t[n (int, default=3)]\n'
        '\tAdvanced:\n'
        '\t    t (file, type (A AND (B OR C)))\n'
        '\t    [s (string, default="a long default value a long default value a long defau'
        'lt value a long default value ")]\n'
        '\tOther:\n'
        '\t    u (boolean)'
    ),
    'io_spec empty': '-',
    'io_spec none': 'null',
    'io_val int': '1',
    'io_val str': '"s"',
    'io_val null': 'null',
    'io_val empty list': '[]',
    'io_val hash': '{ a: 1, b: [ 2, "c" ] }',
    'io_val jbor': 'job-AAAAAAAAAAAAAAAAAAAAAAAA:out.2',
    'io_val jbor short': 'job-BBBBBBBBBBBBBBBBBBBBBBBB:f',
    'io_val link': 'file-x',
    'io_val link project': 'project-a:file-b',
    'io_val link id only': '{"$dnanexus_link": {"id": "file-b"}}',
    'io_val nested': '[ job-AAAAAAAAAAAAAAAAAAAAAAAA:out.2, [ job-BBBBBBBBBBBBBBBBBBBBBBBB:f ] ]',
    'job_output empty': (
        '\n'
        'Output: -'
    ),
    'job_output': (
        '\n'
        'Output: o =\n'
        '         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'
        'xxxxxxxxxxxxxxxxxxxx"\n'
        '        p = [ 1, 2 ]'
    ),
    'job_output prefix': (
        '\n'
        '│ Out: a = 1\n'
        '│    b = job-AAAAAAAAAAAAAAAAAAAAAAAA:out.2'
    ),
    'io_field none': '-',
    'io_field empty': '-',
    'io_field': (
        'a = 1\n'
        '                                  f = job-BBBBBBBBBBBBBBBBBBBBBBBB:f\n'
        '                                  d = { x: project-1:file-2 }'
    ),
    'io_field defaults': (
        'a = 1\n'
        '                                  [b = [ 1, 2 ]]\n'
        '                                  [c =\n'
        '                                   "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"]'
    ),
    'io_field highlight': (
        'a = 1\n'
        '                                  b = \x1b[33m2\x1b[0m'
    ),
    'io_field tab': (
        'a=>1\n'
        '\tb=>"y"\n'
        '\t[c=>3]'
    ),
    'execdepends': ['apt: samtools', 'pip: pysam = 0.1'],
    'bundleddepends record': ['b.tgz (record-QQQQQQQQQQQQQQQQQQQQQQQQ)'],
    'stage': (
        'Stage 0                           S1 (stage-1)\n'
        '  Executable                      applet-a (\x1b[31minaccessible\x1b[0m)\n'
    ),
    'stage execution': (
        'Stage 1                           stage-2\n'
        '  Executable                      app-b\n'
        '  Execution                       job-CCCCCCCCCCCCCCCCCCCCCCCC (done)\n'
    ),
    'stage cached': (
        'Stage 1                           stage-2\n'
        '  Executable                      app-b\n'
        '  Execution                       [job-CCCCCCCCCCCCCCCCCCCCCCCC] (done)\n'
        '  Cached from                     analysis-zz\n'
    ),
    'short timestamp': '2023-11-14 22:13:20',
    'timestamp': 'Tue Nov 14 22:13:20 2023',
    'timestamp single digit day': 'Fri Feb 13 23:31:30 2009',
    'field': 'Label                             value\n',
    'field wrapped': (
        'Label                             word word word word word word word word word w'
        'ord word word word\n'
        '                                  word word word word word word word word word w'
        'ord word word word\n'
        '                                  word word word word\n'
    ),
    'field long label': 'LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLv\n',
    'field tab': (
        'Label\tword word word word word word word word word word word word word word word'
        ' word word word word word word word word word word word word word word word \n'
    ),
    'nofill': (
        'Input                             a\n'
        'b\n'
    ),
    'nofill tab': 'Input\ta\n',
    'list': 'Tags                              a, b\n',
    'list tab': 'Tags\ta\tb\n',
    'list empty': 'Tags                              -\n',
    'json': 'X                                 {"é": [1, null]}\n',
    'locked note': (
        'Note                              This workflow has an explicit input specification (i.e. it is\n'
        '                                  locked), and as such stage inputs cannot be mo'
        'dified at run-time.\n'
    ),
    'currency meta left': '$1,234,567.89',
    'currency meta negative': '-$5.50',
    'currency meta right': '0.00 €',
    'currency unknown code': '-¥1,234.50',
    'currency missing locale': '$2.50',
    'col': 'a (int)',
    'col tab': 'a\tint\t',
    'user': (
        'ID                                user-alice\n'
        'Name                              Alice Smith\n'
        'Email                             a@b.c\n'
        'Default bill to                   org-x\n'
        'Apps installed                    app-a, app-b\n'
    ),
    'user middle name': (
        'ID                                user-alice\n'
        'Name                              Alice Q Smith\n'
        'Email                             a@b.c\n'
        'Default bill to                   org-x\n'
        'Apps installed                    app-a, app-b\n'
    ),
    'org': (
        'id                                "org-foo"\n'
        'class                             "org"\n'
        'name                              "Foo"\n'
        'level                             "ADMIN"\n'
    ),
    'file': (
        'ID                                file-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        'Class                             file\n'
        'Project                           project-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        'Folder                            /data\n'
        'Name                              reads.fq\n'
        'State                             closed\n'
        'Visibility                        visible\n'
        'Types                             FASTQ\n'
        'Properties                        lane=1, run=r7\n'
        'Tags                              -\n'
        'Outgoing links                    -\n'
        'Created                           Tue Nov 14 22:13:20 2023\n'
        'Created by                        bob\n'
        ' via the job                      job-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        'Last modified                     Tue Nov 14 22:13:25 2023\n'
        'Media type                        text/plain\n'
        'Size                              117.74 MB, sponsored by DNAnexus\n'
        'archivalState                     "live"\n'
        'unknown                           [1, {"é": 2}]\n'
    ),
    'file verbose color': (
        'ID                                file-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        'Class                             file\n'
        'Project                           project-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        'Folder                            /data\n'
        'Name                              reads.fq\n'
        'State                             \x1b[32mclosed\x1b[0m\n'
        'Visibility                        visible\n'
        'Types                             FASTQ\n'
        'Properties                        lane=1, run=r7\n'
        'Tags                              -\n'
        'Details                           {"x": 1}\n'
        'Outgoing links                    -\n'
        'Created                           Tue Nov 14 22:13:20 2023\n'
        'Created by                        bob\n'
        ' via the job                      job-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        ' running                          applet-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        'Last modified                     Tue Nov 14 22:13:25 2023\n'
        'Media type                        text/plain\n'
        'Size                              117.74 MB, sponsored by DNAnexus\n'
        'archivalState                     "live"\n'
        'unknown                           [1, {"é": 2}]\n'
    ),
    'file tab': (
        'ID\tfile-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        'Class\tfile\n'
        'Project\tproject-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        'Folder\t/data\n'
        'Name\treads.fq\n'
        'State\tclosed\n'
        'Visibility\tvisible\n'
        'Types\tFASTQ\n'
        'Properties\tlane=1\trun=r7\n'
        'Tags\t-\n'
        'Outgoing links\t-\n'
        'Created\tTue Nov 14 22:13:20 2023\n'
        'Created by\tbob\n'
        ' via the job\tjob-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        'Last modified\tTue Nov 14 22:13:25 2023\n'
        'Media type\ttext/plain\n'
        'Size\t117.74 MB\tsponsored by DNAnexus\n'
        'archivalState\t"live"\n'
        'unknown\t[1, {"é": 2}]\n'
    ),
    'record': (
        'ID                                record-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        'Class                             record\n'
        'Name                              table\n'
        'State                             open\n'
        'Created                           Tue Nov 14 22:13:20 2023\n'
        'Last modified                     Tue Nov 14 22:13:20 2023\n'
        'Size                              77\n'
        'Length                            5\n'
        'Columns         a (int)\n'
        '                b (string)\n'
    ),
    'record tab': (
        'ID\trecord-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        'Class\trecord\n'
        'Name\ttable\n'
        'State\topen\n'
        'Created\tTue Nov 14 22:13:20 2023\n'
        'Last modified\tTue Nov 14 22:13:20 2023\n'
        'Size\t77\n'
        'Length\t5\n'
        'Columns\ta\tint\t\n'
        '\tb\tstring\t\n'
    ),
    'applet': (
        'ID                                applet-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        'Class                             applet\n'
        'Project                           project-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        'Folder                            /\n'
        'Name                              my applet\n'
        'State                             closed\n'
        'Created                           Tue Nov 14 22:13:20 2023\n'
        'Last modified                     Tue Nov 14 22:13:20 2023\n'
        'Title                             Title\n'
        'Summary                           sum\n'
        'Tree TAT threshold                -\n'
        'Access                            {"network": ["*"]}\n'
        'API version                       1.0.0\n'
        'Input Spec                        [reads (array:file)]\n'
        '                [n (int, default=3)]\n'
        '                Advanced:\n'
        '                    t (file, type (A AND (B OR C)))\n'
        '                    [s (string, default="a long default value a long default\n'
        '                  value a long default value a long default\n'
        '                  value ")]\n'
        '                <advanced inputs hidden; use --verbose to see more>\n'
        'Output Spec                       -\n'
        'Interpreter                       bash\n'
        'Resources                         "project-y"\n'
        'bundledDepends                    b.tgz (record-QQQQQQQQQQQQQQQQQQQQQQQQ)\n'
        'execDepends                       apt: samtools, pip: pysam = 0.1\n'
        'Sys Requirements                  {"*": {"instanceType": "mem1_ssd1_x4"}}\n'
    ),
    'applet verbose': (
        'ID                                applet-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        'Class                             applet\n'
        'Project                           project-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        'Folder                            /\n'
        'Name                              my applet\n'
        'State                             closed\n'
        'Details                           {"advancedInputs": ["u"]}\n'
        'Created                           Tue Nov 14 22:13:20 2023\n'
        'Last modified                     Tue Nov 14 22:13:20 2023\n'
        'Title                             Title\n'
        'Summary                           sum\n'
        'Description                       desc\n'
        'Tree TAT threshold                -\n'
        'Access                            {"network": ["*"]}\n'
        'API version                       1.0.0\n'
        'Input Spec                        [reads (array:file)]\n'
        '                [n (int, default=3)]\n'
        '                Advanced:\n'
        '                    t (file, type (A AND (B OR C)))\n'
        '                    [s (string, default="a long default value a long default\n'
        '                  value a long default value a long default\n'
        '                  value ")]\n'
        '                Other:\n'
        '                    u (boolean)\n'
        'Output Spec                       -\n'
        'Interpreter                       bash\n'
        'Resources                         "project-y"\n'
        'bundledDepends                    b.tgz (record-QQQQQQQQQQQQQQQQQQQQQQQQ)\n'
        'execDepends                       apt: samtools, pip: pysam = 0.1\n'
        'Sys Requirements                  {"*": {"instanceType": "mem1_ssd1_x4"}}\n'
    ),
    'workflow': (
        'ID                                workflow-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        'Class                             workflow\n'
        'Name                              wf\n'
        'Created                           Tue Nov 14 22:13:20 2023\n'
        'Last modified                     Tue Nov 14 22:13:20 2023\n'
        'Edit Version                      3\n'
        'Output Folder                     -\n'
        'Workflow Inputs                   a (int)\n'
        'Workflow Outputs                  -\n'
        'Stage 0                           S1 (stage-1)\n'
        '  Executable                      applet-a (\x1b[31minaccessible\x1b[0m)\n'
        'Stage 1                           stage-2\n'
        '  Executable                      app-b\n'
        '  Execution                       job-CCCCCCCCCCCCCCCCCCCCCCCC (\x1b[1m\x1b[32mdone\x1b[0m)\n'
        'initializedFrom                   workflow-src\n'
        'Last execution                    analysis-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        '  run at                          Tue Nov 14 22:13:20 2023\n'
        '  state                           \x1b[1m\x1b[31mfailed\x1b[0m\n'
        'Note                              This workflow has an explicit input specification (i.e. it is\n'
        '                                  locked), and as such stage inputs cannot be mo'
        'dified at run-time.\n'
    ),
    'project': (
        'ID                                project-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        'Class                             project\n'
        'Name                              Proj\n'
        'Summary                           s\n'
        'Billed to                         alice\n'
        'Access level                      ADMINISTER\n'
        'Region                            aws:us-east-1\n'
        'Protected                         false\n'
        'Restricted                        true\n'
        'Contains PHI                      false\n'
        'Database UI View Only             true\n'
        'Created                           Tue Nov 14 22:13:20 2023\n'
        'Created by                        alice\n'
        'Last modified                     Tue Nov 14 22:15:00 2023\n'
        'Data usage                        1.23 GB\n'
        'Sponsored data                    0.00 GB\n'
        'Storage cost                      $0.123/month\n'
        'Sponsored egress                  ?? used of 2.00 GB total\n'
        'Compute usage for current month   $1,234.50 of unlimited\n'
        'Egress usage for current month    100 Bytes of 1000 Bytes total\n'
        'Expected storage usage for current month$0.00 of $50.00 total\n'
        'At spending limit?                false\n'
        '# Files                           12\n'
        'Folders                           /, /a\n'
        'Permissions                       alice:ADMINISTER, org-x:VIEW\n'
        'Tags                              t\n'
        'Properties                        p=q\n'
        'App caches                        {}\n'
        'currency                          {"dxCode": 7, "symbol": "$", "symbolPosition": "left"}\n'
        'extra                             {"z": null}\n'
    ),
    'project verbose': (
        'ID                                project-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        'Class                             project\n'
        'Name                              Proj\n'
        'Summary                           s\n'
        'Description                       d\n'
        'Version                           3\n'
        'Billed to                         alice\n'
        'Pending transfer to               null\n'
        'Access level                      ADMINISTER\n'
        'Region                            aws:us-east-1\n'
        'Protected                         false\n'
        'Restricted                        true\n'
        'Contains PHI                      false\n'
        'Database UI View Only             true\n'
        'Default Symlink                   null\n'
        'Created                           Tue Nov 14 22:13:20 2023\n'
        'Created by                        alice\n'
        'Last modified                     Tue Nov 14 22:15:00 2023\n'
        'Data usage                        1.23 GB\n'
        'Sponsored data                    0.00 GB\n'
        'Storage cost                      $0.123/month\n'
        'Sponsored egress                  ?? used of 2.00 GB total\n'
        'Compute usage for current month   $1,234.50 of unlimited\n'
        'Egress usage for current month    100 Bytes of 1000 Bytes total\n'
        'Expected storage usage for current month$0.00 of $50.00 total\n'
        'At spending limit?                false\n'
        '# Files                           12\n'
        'Folders                           /, /a\n'
        'Permissions                       alice:ADMINISTER, org-x:VIEW\n'
        'Tags                              t\n'
        'Properties                        p=q\n'
        'App caches                        {}\n'
        'currency                          {"dxCode": 7, "symbol": "$", "symbolPosition": "left"}\n'
        'extra                             {"z": null}\n'
    ),
    'container': (
        'ID                                container-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        'Class                             container\n'
        'Created                           Tue Nov 14 22:13:20 2023\n'
        'Last modified                     Tue Nov 14 22:13:20 2023\n'
        'Data usage                        0.00 GB\n'
        'Container type                    app\n'
        'Associated project                project-x\n'
        'Associated App ID                 app-y\n'
        'Associated App                    y\n'
    ),
    'app': (
        'ID                                app-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        'Class                             app\n'
        'Billed to                         org-foo\n'
        'Name                              myapp\n'
        'Version                           1.2.3\n'
        'Aliases                           default, 1.2.3\n'
        'Created by                        carol\n'
        'Created                           Tue Nov 14 22:13:20 2023\n'
        'Last modified                     Tue Nov 14 22:13:20 2023\n'
        'Created from                      applet-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        'Tree TAT threshold                100\n'
        'Installed                         true\n'
        'Open source                       false\n'
        'Deleted                           false\n'
        'Published                         Tue Nov 14 22:13:20 2023\n'
        'Title                             My App\n'
        'Summary                           does it\n'
        'Categories                        Misc\n'
        'Details                           {"citations": []}\n'
        'Access                            {}\n'
        'API version                       1.0.0\n'
        'Input Spec                        [reads (array:file)]\n'
        '                [n (int, default=3)]\n'
        '                Advanced:\n'
        '                    t (file, type (A AND (B OR C)))\n'
        '                    [s (string, default="a long default value a long default\n'
        '                  value a long default value a long default\n'
        '                  value ")]\n'
        '                <advanced inputs hidden; use --verbose to see more>\n'
        'Output Spec                       [reads (array:file)]\n'
        'Interpreter                       python3\n'
        'execDepends                       -\n'
        'Resources                         container-r\n'
        '# Installs                        7\n'
        'AuthorizedUsers                   PUBLIC\n'
        'unknownfield                      1\n'
    ),
    'app deleted': (
        'ID                                app-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        'Class                             app\n'
        'Billed to                         org-foo\n'
        'Name                              myapp\n'
        'Version                           1.2.3\n'
        'Aliases                           default, 1.2.3\n'
        'Created by                        carol\n'
        'Created                           Tue Nov 14 22:13:20 2023\n'
        'Last modified                     Tue Nov 14 22:13:20 2023\n'
        'Created from                      applet-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        'Tree TAT threshold                100\n'
        'Installed                         true\n'
        'Open source                       false\n'
        'Deleted                           true\n'
        '# Installs                        7\n'
        'AuthorizedUsers                   PUBLIC\n'
        'unknownfield                      1\n'
    ),
    'globalworkflow': (
        'ID                                globalworkflow-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        'Class                             globalworkflow\n'
        'Name                              gw\n'
        'Version                           0.0.1\n'
        'Aliases                           -\n'
        'Created by                        x\n'
        'Created                           Tue Nov 14 22:13:20 2023\n'
        'Last modified                     Tue Nov 14 22:13:20 2023\n'
        'Deleted                           false\n'
        'Published                         -\n'
        'Categories                        -\n'
        'API version                       1.0.0\n'
        'AuthorizedUsers                   -\n'
        'foo                               "bar"\n'
    ),
    'job color': (
        'ID                                job-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        'Try                               1\n'
        'Class                             job\n'
        'Job name                          myjob\n'
        'Executable name                   myapplet\n'
        'Project context                   project-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        'Region                            aws:us-east-1\n'
        'Billed to                         alice\n'
        'Workspace                         container-w\n'
        'Cache workspace                   container-pc\n'
        'Resources                         container-res\n'
        'Applet                            applet-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        'Instance Type                     mem2\n'
        'Priority                          high\n'
        'State                             \x1b[1m\x1b[31mfailed\x1b[0m\n'
        'Root execution                    job-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        'Origin job                        -\n'
        'Parent job                        job-PPPPPPPPPPPPPPPPPPPPPPPP\n'
        'Parent job try                    0\n'
        'Function                          main\n'
        'Input                             a = 1\n'
        '                                  f = job-BBBBBBBBBBBBBBBBBBBBBBBB:f\n'
        '                                  l = [ job-AAAAAAAAAAAAAAAAAAAAAAAA:out.2,\n'
        '                                   file-HHHHHHHHHHHHHHHHHHHHHHHH ]\n'
        '                                  [d = { x: project-1:file-2 }]\n'
        'Output                            o =\n'
        '                                   "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'
        'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"\n'
        '                                  p = [ 1, 2 ]\n'
        'Output folder                     /out\n'
        'Preserve Job Outputs Folder       /keep\n'
        'Launched by                       alice\n'
        'Created                           Tue Nov 14 22:13:20 2023\n'
        'Try created                       Tue Nov 14 22:13:21 2023\n'
        'Started running                   Tue Nov 14 22:14:20 2023\n'
        'Stopped running                   Tue Nov 14 23:15:25 2023 (Runtime: 1:01:05)\n'
        'Last modified                     Tue Nov 14 23:20:00 2023\n'
        'Pending subjobs                   -\n'
        'Depends on                        job-1, job-2\n'
        'Failure reason                    AppError\n'
        'Failure message                   boom boom boom boom boom boom boom boom boom b'
        'oom boom boom boom\n'
        '                                  boom boom boom boom boom boom boom boom boom boom boom boom\n'
        'Failure is from                   job-other try 2\n'
        'Tags                              a\n'
        'Properties                        k=v\n'
        'Re-run of                         job-orig\n'
        ' named                            orig\n'
        ' using                            \x1b[33mapplet-other\x1b[0m\n'
        ' output folder                    project-HHHHHHHHHHHHHHHHHHHHHHHH:\x1b[33m/else\x1b[0m\n'
        ' input                            a = \x1b[33m2\x1b[0m\n'
        '                                  f = job-BBBBBBBBBBBBBBBBBBBBBBBB:f\n'
        ' sys reqs                         {"main": {"instanceType": "x"}} (same)\n'
        'Total Price                       12,345.68 €\n'
        'Spot Cost Savings                 -3.00 €\n'
        'Spot Wait Time                    1 hours, 2 minutes, 5 seconds\n'
        'Max Tree Spot Wait Time           0 seconds\n'
        'Max Job Spot Wait Time            59 seconds\n'
        'Invoice Metadata                  {"a": 1}\n'
        'Internet Usage IPs                ["1.2.3.4"]\n'
        'Tree TAT                          5\n'
        'Selected tree TAT threshold       10\n'
        'Selected tree TAT from            app\n'
        'Sys Requirements                  {"main": {"instanceType": "x"}}\n'
        'Run Sys Reqs                      null\n'
        'currency                          {"dxCode": 5, "symbol": "€", "symbolPosition": "right"}\n'
        'newthing                          [1]\n'
    ),
    'job tab': (
        'ID\tjob-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        'Try\t1\n'
        'Class\tjob\n'
        'Job name\tmyjob\n'
        'Executable name\tmyapplet\n'
        'Project context\tproject-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        'Region\taws:us-east-1\n'
        'Billed to\talice\n'
        'Workspace\tcontainer-w\n'
        'Cache workspace\tcontainer-pc\n'
        'Resources\tcontainer-res\n'
        'Applet\tapplet-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        'Instance Type\tmem2\n'
        'Priority\thigh\n'
        'State\tfailed\n'
        'Root execution\tjob-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        'Origin job\t-\n'
        'Parent job\tjob-PPPPPPPPPPPPPPPPPPPPPPPP\n'
        'Parent job try\t0\n'
        'Function\tmain\n'
        'Input\ta=1\n'
        '\tf=job-BBBBBBBBBBBBBBBBBBBBBBBB:f\n'
        '\tl=[ job-AAAAAAAAAAAAAAAAAAAAAAAA:out.2, file-HHHHHHHHHHHHHHHHHHHHHHHH ]\n'
        '\t[d={ x: project-1:file-2 }]\n'
        'Output\to="xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'
        'xxxxxxxxxxxxxxxxxxxx"\n'
        '\tp=[ 1, 2 ]\n'
        'Output folder\t/out\n'
        'Preserve Job Outputs Folder\t/keep\n'
        'Launched by\talice\n'
        'Created\tTue Nov 14 22:13:20 2023\n'
        'Try created\tTue Nov 14 22:13:21 2023\n'
        'Started running\tTue Nov 14 22:14:20 2023\n'
        'Stopped running\tTue Nov 14 23:15:25 2023 (Runtime: 1:01:05)\n'
        'Last modified\tTue Nov 14 23:20:00 2023\n'
        'Pending subjobs\t-\n'
        'Depends on\tjob-1\tjob-2\n'
        'Failure reason\tAppError\n'
        'Failure message\tboom boom boom boom boom boom boom boom boom boom boom boom boom'
        ' boom boom boom boom boom boom boom boom boom boom boom boom \n'
        'Failure is from\tjob-other try 2\n'
        'Tags\ta\n'
        'Properties\tk=v\n'
        'Re-run of\tjob-orig\n'
        ' named\torig\n'
        ' using\tapplet-other\n'
        ' output folder\tproject-HHHHHHHHHHHHHHHHHHHHHHHH:/else\n'
        ' input\ta=2\n'
        '\tf=job-BBBBBBBBBBBBBBBBBBBBBBBB:f\n'
        ' sys reqs\t{"main": {"instanceType": "x"}} (same)\n'
        'Total Price\t12,345.68 €\n'
        'Spot Cost Savings\t-3.00 €\n'
        'Spot Wait Time\t1 hours, 2 minutes, 5 seconds\n'
        'Max Tree Spot Wait Time\t0 seconds\n'
        'Max Job Spot Wait Time\t59 seconds\n'
        'Invoice Metadata\t{"a": 1}\n'
        'Internet Usage IPs\t["1.2.3.4"]\n'
        'Tree TAT\t5\n'
        'Selected tree TAT threshold\t10\n'
        'Selected tree TAT from\tapp\n'
        'Sys Requirements\t{"main": {"instanceType": "x"}}\n'
        'Run Sys Reqs\tnull\n'
        'currency\t{"dxCode": 5, "symbol": "€", "symbolPosition": "right"}\n'
        'newthing\t[1]\n'
    ),
    'analysis': (
        'ID                                analysis-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        'Class                             analysis\n'
        'Job name                          an\n'
        'Executable name                   wf\n'
        'Project context                   project-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        'Workflow                          globalworkflow-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        'State                             \x1b[1m\x1b[32mdone\x1b[0m\n'
        'Parent job                        -\n'
        'Analysis                          analysis-parent\n'
        'Stage                             stage-9\n'
        'Stage 0                           S (stage-1)\n'
        '  Executable                      applet-a\n'
        '  Execution                       job-1 (\x1b[32mrunning\x1b[0m)\n'
        'Stage 1                           T (stage-2)\n'
        '  Executable                      applet-b\n'
        '  Execution                       [job-2] (\x1b[1m\x1b[32mdone\x1b[0m)\n'
        '  Cached from                     analysis-OTHER\n'
        'Input                             -\n'
        'Output                            -\n'
        'Preserve Job Outputs Folder       -\n'
        'Launched by                       bob\n'
        'Created                           Tue Nov 14 22:13:20 2023\n'
        'Finished                          Wed Nov 15 23:14:21 2023 (Wall-clock time: 1 day, 1:01:01)\n'
        'Last modified                     Tue Nov 14 22:13:20 2023\n'
    ),
    'ls': 'reads.fq',
    'ls id': 'reads.fq : file-HHHHHHHHHHHHHHHHHHHHHHHH',
    'ls applet': '\x1b[1m\x1b[32mmy applet\x1b[0m : applet-HHHHHHHHHHHHHHHHHHHHHHHH',
    'ls truthy print_id': 'reads.fq',
    'print ls': 'reads.fq : file-HHHHHHHHHHHHHHHHHHHHHHHH\n',
    'ls header': '\x1b[1mState   Last modified       Size      Name (ID)\x1b[0m',
    'ls header tab': 'State\tLast modified\tSize\tName\tID\t',
    'print ls header': 'State   Last modified       Size      Name (ID)\n',
    'ls -l file': (
        '\x1b[32mclosed\x1b[0m  2023-11-14 22:13:25 117.74 MB reads.fq (file-HHHHHHHHHHHHHHHHHHHHHHHH)'
    ),
    'ls -l file folder project': (
        'closed  2023-11-14 22:13:25 117.74 MB /data/reads.fq (project-HHHHHHHHHHHHHHHHHH'
        'HHHHHH:file-HHHHHHHHHHHHHHHHHHHHHHHH)'
    ),
    'ls -l open root': (
        '\x1b[33mopen\x1b[0m    2023-11-14 22:13:25 117.74 MB /reads.fq (file-HHHHHHHHHHHHHHHHHHHHHHHH)'
    ),
    'ls -l record': 'open    2023-11-14 22:13:20 5 rows    table (record-HHHHHHHHHHHHHHHHHHHHHHHH)',
    'ls -l applet tab': 'closed\t2023-11-14 22:13:20\t\tmy applet\tapplet-HHHHHHHHHHHHHHHHHHHHHHHH\t',
    'ls -l no state': '        2023-11-14 22:13:20           n (x)',
    'print ls -l': (
        'closed  2023-11-14 22:13:25 117.74 MB /data/reads.fq (file-HHHHHHHHHHHHHHHHHHHHHHHH)\n'
    ),
    'find job': (
        '* app1 (done) job-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        '  alice 2023-11-14 22:13:20 (runtime 1:02:04)\n'
        '  Output: x = 1\n'
        '          y = job-AAAAAAAAAAAAAAAAAAAAAAAA:out.2'
    ),
    'find job children color': (
        '* \x1b[1m\x1b[34mapp1\x1b[0m (\x1b[1m\x1b[32mdone\x1b[0m) job-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        '│ alice 2023-11-14 22:13:20 (runtime 1:02:04)\n'
        '│ Output: x = 1\n'
        '│         y = job-AAAAAAAAAAAAAAAAAAAAAAAA:out.2'
    ),
    'find job try': (
        '* app1 (done) job-HHHHHHHHHHHHHHHHHHHHHHHH try 2\n'
        '│ alice 2023-11-14 22:13:20 (runtime 1:02:04)'
    ),
    'find job cached': (
        '* \x1b[1m[\x1b[0m\x1b[1m\x1b[34mapp1\x1b[0m\x1b[1m]\x1b[0m (\x1b[1m\x1b[32mdone\x1b[0m) job-HHH'
        'HHHHHHHHHHHHHHHHHHHHH\n'
        '  alice 2023-11-14 22:13:20 (\x1b[33mcached\x1b[0m, runtime 1:02:04)\n'
        '  Output: x = 1\n'
        '          y = job-AAAAAAAAAAAAAAAAAAAAAAAA:out.2'
    ),
    'find job try root': '* app1 (done) job-HHHHHHHHHHHHHHHHHHHHHHHH tries',
    'find job renamed': (
        '* other (app1:main) (done) job-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        '  alice 2023-11-14 22:13:20 (runtime 1:02:04)\n'
        '  Output: x = 1\n'
        '          y = job-AAAAAAAAAAAAAAAAAAAAAAAA:out.2'
    ),
    'find job no name': (
        '* <no name> (app1:main) (done) job-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        '  alice 2023-11-14 22:13:20 (runtime 1:02:04)\n'
        '  Output: x = 1\n'
        '          y = job-AAAAAAAAAAAAAAAAAAAAAAAA:out.2'
    ),
    'find job tab': (
        'app1\tdone\tjob-HHHHHHHHHHHHHHHHHHHHHHHH\talice\t2023-11-14 22:13:20 (runtime 1:02:0'
        '4)\tOutput: x = 1\t        y = job-AAAAAAAAAAAAAAAAAAAAAAAA:out.2'
    ),
    'find subjob failed': (
        'sub (app1:process) (failed) job-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        'alice 2023-11-14 22:13:20 (runtime 1:02:04)\n'
        'AppError: msg msg msg msg msg msg msg msg msg msg msg msg msg msg msg msg msg msg msg\n'
        'msg msg msg msg msg msg'
    ),
    'find subjob single': (
        '* \x1b[1m\x1b[34msub\x1b[0m (app1:process) (\x1b[1m\x1b[31mfailed\x1b[0m) job-HHHHHHHHHHHHHHHHHHHH'
        'HHHH\n'
        '│ alice 2023-11-14 22:13:20 (runtime 1:02:04)\n'
        '│ \x1b[1mAppError\x1b[0m: msg msg msg msg msg msg msg msg msg msg msg msg msg msg msg '
        'msg msg msg msg\n'
        '│ msg msg msg msg msg msg'
    ),
    'find analysis': (
        '* \x1b[1m\x1b[34m\x1b[4mwf\x1b[0m (\x1b[32min_progress\x1b[0m) analysis-HHHHHHHHHHHHHHHHHHHHHHHH\n'
        '│ bob 2023-11-14 22:13:20'
    ),
}

# Without colours the same text is printed, minus the escape codes.
GOLDEN["job"] = re.sub("\x1b\\[[0-9;]*m", "", GOLDEN["job color"])
# Verbose output shows the advanced inputs.
GOLDEN["app verbose"] = GOLDEN["app"].replace("                <advanced inputs hidden; use --verbose to see more>\n",
                                              "                Other:\n                    u (boolean)\n")
# A hash without a class is printed as the class its ID names.
GOLDEN["file without class"] = GOLDEN["file"]


@pytest.fixture
def terminal(monkeypatch):
    """UTC clock, 78-column terminal, no colours, no delimiter; restored afterwards."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    monkeypatch.setattr(printing, "std_width", 78)
    saved = printing.color_state, printing.delimiter
    printing.set_colors(False)
    printing.set_delimiter(None)
    yield printing
    printing.set_colors(saved[0])
    printing.set_delimiter(saved[1])
    monkeypatch.undo()
    time.tzset()


def render(name, *args, **kwargs):
    """What describe.<name> returns, or what it prints when it returns nothing."""
    out = io.StringIO()
    with redirect_stdout(out):
        result = getattr(describe, name)(*args, **kwargs)
    return out.getvalue() if result is None else result


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_output_matches_dx(terminal, monkeypatch, case):
    name, function, args, kwargs, (colors, delimiter) = case
    monkeypatch.setattr(dxpy, "WORKSPACE_ID", None)  # no project to ask for a region
    terminal.set_colors(colors)
    terminal.set_delimiter(delimiter)
    assert render(function, *copy.deepcopy(args), **copy.deepcopy(kwargs)) == GOLDEN[name]


def test_describe_hashes_are_left_unchanged(terminal, monkeypatch):
    monkeypatch.setattr(dxpy, "WORKSPACE_ID", None)
    for desc in (APP, JOB, ANALYSIS, {k: v for k, v in FILE.items() if k != "class"}, WORKFLOW):
        before = copy.deepcopy(desc)
        render("print_desc", desc, verbose=False)
        assert desc == before


def test_constants():
    assert describe.FIELD_NAME_WIDTH == 34
    assert describe.SIZE_LEVEL == ["bytes", "KB", "MB", "GB", "TB"]
    assert describe.basestring == (str, bytes)
    assert describe.dxpy is dxpy
    assert describe.format_timedelta(61, in_seconds=True) == "1 minutes, 1 seconds"


def test_job_references():
    assert describe.is_job_ref(JBOR) and describe.is_job_ref(JBOR_SHORT)
    assert not describe.is_job_ref({"job": "job-x", "field": 3})
    assert not describe.is_job_ref({"$dnanexus_link": {"job": "j", "field": "f"}, "other": 1})
    assert not describe.is_job_ref([JBOR])
    assert describe.get_job_from_jbor(JBOR) == "job-" + "A" * 24
    assert describe.get_field_from_jbor(JBOR_SHORT) == "f"
    assert describe.get_index_from_jbor(JBOR) == 2 and describe.get_index_from_jbor(JBOR_SHORT) is None
    assert describe.jbor_to_str(JBOR) == "job-" + "A" * 24 + ":out.2"
    assert describe.is_metadata_ref({"$dnanexus_link": {"metadata": "m", "job": "j"}})
    assert not describe.is_metadata_ref({"$dnanexus_link": "file-x"})
    assert not describe.is_job_ref(JBOR, reftype=list)


def test_get_ls_l_desc_fields_lists_what_it_reads():
    fields = describe.get_ls_l_desc_fields()
    assert set(fields) == {"id", "class", "folder", "length", "modified", "name", "project", "size", "state"}
    assert all(value is True for value in fields.values())


def test_advanced_inputs_and_currency_codes():
    assert describe.get_advanced_inputs(APP, False) == ["u"]
    assert describe.get_advanced_inputs(APP, True) == []
    assert describe.get_advanced_inputs({"details": ["not", "a", "hash"]}, False) == []
    assert describe.locale_from_currency_code(0) == "en_US"
    assert describe.locale_from_currency_code(1) == "en_GB"
    assert describe.locale_from_currency_code(2) is None
    assert describe.locale_from_currency_code(["unhashable"]) is None


def test_format_currency_leaves_the_process_locale_alone():
    import locale
    before = locale.setlocale(locale.LC_ALL)
    text = describe.format_currency(1234.5, {"dxCode": 0, "symbol": "$", "symbolPosition": "left"})
    assert text == "$1,234.50"  # the same through the en_US locale or from the symbol
    assert locale.setlocale(locale.LC_ALL) == before


# --- where dxpy is wrong, the output is fixed --------------------------------------------------

def test_container_shows_when_it_is_destroyed(terminal):
    out = render("print_desc", dict(CONTAINER, destroyAt=T + 86400000))
    assert "To be destroyed                   Wed Nov 15 22:13:20 2023\n" in out


def test_egress_budget_is_shown_when_nothing_was_used(terminal):
    desc = dict(CONTAINER, currentMonthEgressBytesUsage=None, currentMonthEgressBytesAvailableBudget=1000)
    assert "Egress usage for current month    0 Bytes of 1000 Bytes total\n" in render("print_desc", desc)
    desc["currentMonthEgressBytesAvailableBudget"] = None
    assert "Egress usage for current month    -\n" in render("print_desc", desc)


def test_sub_byte_sizes_are_bytes():
    assert describe.get_size_str(0.5) == "0 bytes"


def test_execution_without_executable(terminal):
    desc = {"id": "job-x", "class": "job", "project": "project-p", "state": "idle", "executable": None,
            "launchedBy": "user-u", "created": T, "modified": T, "startedRunning": T}
    out = render("print_execution_desc", desc)
    assert "Parent job                        -\n" in out
    assert "Input                             -\nOutput                            -\n" in out


def test_running_job_shows_time_so_far(terminal, monkeypatch):
    monkeypatch.setattr(time, "time", lambda: (T + 3725000) / 1000.0)
    running = {k: v for k, v in JOB.items() if k != "stoppedRunning"}
    running["startedRunning"] = T
    assert "Started running                   Tue Nov 14 22:13:20 2023 (running for 1:02:05)\n" \
        in render("print_desc", running)
    find = dict(FIND_JOB, state="running", startedRunning=T)
    assert "(running for 1:02:05)" in describe.get_find_executions_string(find, False)


# --- wrong input --------------------------------------------------------------------------------

@pytest.mark.parametrize("function", ["print_desc", "print_project_desc", "print_data_obj_desc", "print_app_desc",
                                      "print_globalworkflow_desc", "print_execution_desc", "print_user_desc",
                                      "print_generic_desc", "get_ls_desc", "get_ls_l_desc",
                                      "get_find_executions_string"])
def test_describe_hash_must_be_a_dict(function):
    args = ("job-" + H, False) if function == "get_find_executions_string" else ("file-" + H,)
    with pytest.raises(TypeError, match="describe hash"):
        getattr(describe, function)(*args)


def test_missing_fields_are_named_before_anything_is_printed(terminal):
    broken = {k: v for k, v in JOB.items() if k not in ("launchedBy", "created")}
    out = io.StringIO()
    with redirect_stdout(out), pytest.raises(KeyError, match="'launchedBy', 'created'"):
        describe.print_desc(broken)
    assert out.getvalue() == ""
    with pytest.raises(KeyError, match="'modified'"):
        describe.get_ls_l_desc({"id": "x", "class": "file", "name": "n"})
    with pytest.raises(KeyError, match="'folder'"):
        describe.get_ls_l_desc({"id": "x", "class": "file", "name": "n", "modified": T}, include_folder=True)
    with pytest.raises(KeyError, match="'function'"):
        describe.get_find_executions_string({k: v for k, v in FIND_JOB.items() if k != "function"}, False)


def test_class_is_needed_when_the_id_does_not_tell_it():
    with pytest.raises(KeyError, match="no 'class' field"):
        describe.print_desc({"id": "team-x", "name": "t"})
    with pytest.raises(KeyError, match="no 'class' field"):
        describe.print_desc({"name": "no id either"})


@pytest.mark.parametrize("size, error", [(-1, ValueError), ("12", TypeError), (True, TypeError), ([1], TypeError)])
def test_get_size_str_rejects_non_sizes(size, error):
    with pytest.raises(error, match="number of bytes"):
        describe.get_size_str(size)


@pytest.mark.parametrize("timestamp", [None, "1700000000000", True])
def test_timestamps_must_be_numbers(timestamp):
    with pytest.raises(TypeError, match="milliseconds since the epoch"):
        describe.render_timestamp(timestamp)
    with pytest.raises(TypeError, match="milliseconds since the epoch"):
        describe.render_short_timestamp(timestamp)


def test_tolerated_oddities(terminal):
    assert describe.parse_typespec(None) == "Type spec could not be parsed"
    assert describe.parse_typespec({"$and": "not a list"}) == "Type spec could not be parsed"
    assert describe.job_output_to_str(None) == "\nOutput: -"
    assert describe.JOB_STATES(None) == "None"
    assert render("print_list_field", "Tags", None) == "Tags                              -\n"
    assert render("print_list_field", "N", [1, 2]) == "N                                 1, 2\n"
    assert render("print_field", "Size", 12) == "Size                              12\n"
    # Stage name missing altogether, like a stage name that is null.
    assert render("render_stage", "Stage 0", {"id": "stage-1", "executable": "applet-a"}) == (
        "Stage 0                           stage-1\n  Executable                      applet-a\n")


def test_io_spec_needs_names_and_classes():
    with pytest.raises(KeyError, match="name"):
        describe.get_io_spec([{"class": "int"}])
    with pytest.raises(KeyError, match="class"):
        describe.get_io_desc({"name": "x"})
    assert describe.get_io_desc({"name": "x"}, include_class=False) == "x"


def test_format_currency_needs_currency_metadata():
    with pytest.raises(KeyError, match="dxCode"):
        describe.format_currency(1, {"symbol": "$", "symbolPosition": "left"})
    with pytest.raises(KeyError, match="symbolPosition"):
        describe.format_currency_from_meta(1, {"symbol": "$"})


# --- ssh host keys ------------------------------------------------------------------------------

def test_ssh_host_key_fingerprint(tmp_path):
    import shutil
    import subprocess
    if shutil.which("ssh-keygen") is None:
        pytest.skip("ssh-keygen is not installed")
    key_path = str(tmp_path / "key")
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", key_path], check=True)
    with open(key_path + ".pub") as public:
        key = public.read()
    expected = subprocess.run(["ssh-keygen", "-lf", key_path + ".pub"], stdout=subprocess.PIPE,
                              universal_newlines=True).stdout.replace(" no comment", "").strip()
    assert describe.printable_ssh_host_key(key) == expected
    assert expected.startswith("256 SHA256:")


def test_ssh_host_key_without_ssh_keygen(monkeypatch):
    monkeypatch.setenv("PATH", "")
    assert describe.printable_ssh_host_key("ssh-ed25519 AAAA host\n") == "ssh-ed25519 AAAA host"


def test_ssh_host_key_that_ssh_keygen_rejects():
    assert describe.printable_ssh_host_key("  not a key  \n") == "not a key"


# --- against the emulator -----------------------------------------------------------------------

def test_described_objects_print(dx_emulator, terminal):
    project = dx_emulator.project_id
    file_id = dxpy.api.file_new({"project": project, "name": "a.txt", "folder": "/"})["id"]
    out = render("print_desc", dxpy.api.file_describe(file_id))
    assert out.startswith("ID                                %s\nClass                             file\n" % file_id)
    assert "Name                              a.txt\n" in out
    assert "State                             open\n" in out
    assert "Size                              0 bytes\n" in out
    out = render("print_desc", dxpy.api.project_describe(project))
    assert "Name                              emulator project\n" in out
    assert "Data usage                        0.00 GB\n" in out
    line = describe.get_ls_l_desc(dxpy.api.file_describe(file_id, {"fields": describe.get_ls_l_desc_fields()}),
                                  include_folder=True)
    assert line.startswith("open    ") and line.endswith(" 0 bytes   /a.txt (%s)" % file_id)


def test_bundled_asset_is_shown_by_its_record_name(dx_emulator):
    project = dx_emulator.project_id
    record = dxpy.api.record_new({"project": project, "name": "samtools asset", "close": True})["id"]
    bundle = dxpy.api.file_new({"project": project, "name": "bundle.tar.gz",
                                "properties": {"AssetBundle": record}})["id"]
    plain = dxpy.api.file_new({"project": project, "name": "plain.tar.gz"})["id"]
    depends = [{"name": "bundle.tar.gz", "id": {"$dnanexus_link": bundle}},
               {"name": "plain.tar.gz", "id": {"$dnanexus_link": plain}},
               {"name": "gone.tar.gz", "id": {"$dnanexus_link": "file-" + "G" * 24}},
               {"name": "linked.tar.gz", "id": {"$dnanexus_link": {"project": project, "id": bundle}}}]
    assert describe.render_bundleddepends(depends) == [
        "samtools asset (%s)" % record, "plain.tar.gz (%s)" % plain, "gone.tar.gz (file-%s)" % ("G" * 24),
        "samtools asset (%s)" % record]


def test_bundled_asset_record_that_cannot_be_read(dx_emulator):
    project = dx_emulator.project_id
    bundle = dxpy.api.file_new({"project": project, "name": "b.tar.gz",
                                "properties": {"AssetBundle": "record-" + "Q" * 24}})["id"]
    assert describe.render_bundleddepends([{"name": "b.tar.gz", "id": {"$dnanexus_link": bundle}}]) == [
        "b.tar.gz (%s)" % bundle]


def test_globalworkflow_shows_the_workflow_of_the_workspace_region(dx_emulator, terminal):
    workflow = {"id": "workflow-" + H, "inputSpec": None, "outputSpec": None,
                "inputs": [{"name": "reads", "class": "file"}], "outputs": [{"name": "bam", "class": "file"}],
                "stages": [{"id": "stage-1", "name": "align", "executable": "app-bwa"}]}
    desc = dict(GLOBALWORKFLOW, regionalOptions={"aws:us-east-1": {"workflowDescribe": workflow}})
    out = render("print_desc", desc)
    assert (
        "API version                       1.0.0\n"
        "Workflow region                   aws:us-east-1\n"
        "Workflow ID                       workflow-" + H + "\n"
        "Workflow Inputs                   reads (file)\n"
        "Workflow Outputs                  bam (file)\n"
        "Stage 0                           align (stage-1)\n"
        "  Executable                      app-bwa\n"
        "AuthorizedUsers                   -\n"
        "Note                              This workflow has an explicit input specification (i.e. it is\n"
        "                                  locked), and as such stage inputs cannot be modified at run-time.\n"
        'foo                               "bar"\n') in out
    other_region = dict(GLOBALWORKFLOW, regionalOptions={"azure:westus": {"workflowDescribe": workflow}})
    assert "Workflow region" not in render("print_desc", other_region)


def test_globalworkflow_with_a_workspace_that_does_not_exist(dx_emulator, terminal, monkeypatch):
    from dxpy.exceptions import DXAPIError
    monkeypatch.setattr(dxpy, "WORKSPACE_ID", "project-" + "N" * 24)
    with pytest.raises(DXAPIError):
        render("print_desc", GLOBALWORKFLOW)


def _job_describe_works(job_id):
    from dxpy.exceptions import DXAPIError
    try:
        dxpy.api.job_describe(job_id)
    except DXAPIError as error:
        if "not implemented" in str(error):
            return False
        raise
    return True


def test_resolved_job_references(dx_emulator, terminal):
    from dxpy.emulator.model.jobs import add_job
    producer = "job-" + "K" * 24
    with dx_emulator.platform.transaction() as state:
        add_job(state, {"id": producer, "project": dx_emulator.project_id, "state": "done",
                        "launchedBy": dx_emulator.user_id, "output": {"count": 7, "files": ["a", "b", "c"]}})
    if not _job_describe_works(producer):
        pytest.skip("the emulator does not answer /job-xxxx/describe yet")
    given = {"n": {"job": producer, "field": "count"},
             "f": [{"$dnanexus_link": {"job": producer, "field": "files", "index": 1}},
                   {"$dnanexus_link": {"job": producer, "field": "files", "index": 9}}],
             "plain": 1}
    resolved = {}
    describe.get_resolved_jbors({"n": 7, "f": ["b", "?"], "plain": 1}, given, resolved)
    assert resolved == {producer + ":count": 7, producer + ":files.1": "b"}

    job = {"id": "job-" + H, "class": "job", "project": dx_emulator.project_id, "state": "running",
           "parentJob": None, "launchedBy": "user-u", "created": T, "modified": T, "output": None,
           "originalInput": {"n": given["n"], "m": 2}, "input": {"n": 7, "m": 2}}
    terminal.set_colors(True)
    assert (
        "Input                             n = job-KKKKKKKKKKKKKKKKKKKKKKKK:count\n"
        "                                  m = 2\n"
        # Wrapped as dx wraps it: the colour codes count towards the width.
        "Resolved JBORs                    job-KKKKKKKKKKKKKKKKKKKKKKKK:count\n"
        "                                   \x1b[32m=>\x1b[0m 7\n"
        "Output                            -\n") in render("print_desc", job)


def test_unreadable_job_references_are_left_out(dx_emulator):
    resolved = {}
    missing = {"job": "job-" + "Z" * 24, "field": "x"}
    describe.get_resolved_jbors(5, missing, resolved)
    assert resolved == {}
    describe.get_resolved_jbors([1, 2], [missing], resolved)  # shapes that do not line up
    describe.get_resolved_jbors({"a": 1}, {"b": missing}, resolved)
    assert resolved == {}
