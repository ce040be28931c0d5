"""Tests of the line_stats applet, run offline against the emulator: ``python -m pytest examples/app_offline``.

The ``dx_emulator`` fixture (installed with dxpy) starts a local DNAnexus API emulator and points
dxpy at it; the emulator executes jobs the way the platform does: each entry point in a
subprocess with its own home and job token, subjobs, job-based references, output checks.
"""
import json
import os

import pytest

import dxpy

HERE = os.path.dirname(os.path.abspath(__file__))


def build_applet(project):
    """The applet described by dxapp.json, with the code of its runSpec.file inlined."""
    with open(os.path.join(HERE, "dxapp.json")) as handle:
        spec = json.load(handle)
    run_spec = dict(spec["runSpec"])
    with open(os.path.join(HERE, run_spec.pop("file"))) as handle:
        run_spec["code"] = handle.read()
    applet = dxpy.DXApplet()
    applet.new(project=project, name=spec["name"], title=spec["title"], summary=spec["summary"],
               dxapi=spec["dxapi"], inputSpec=spec["inputSpec"], outputSpec=spec["outputSpec"], runSpec=run_spec)
    return applet


@pytest.fixture
def applet(dx_emulator):
    return build_applet(dx_emulator.project_id)


def test_counts_lines_in_subjobs_and_returns_a_file_and_a_record(applet, dx_emulator):
    text = dxpy.upload_string("one two\nthree\nfour five six\nseven\neight nine\n", name="poem.txt",
                              wait_on_close=True)
    job = applet.run({"text": dxpy.dxlink(text), "chunks": 2}, folder="/results")
    job.wait_on_done(interval=0.1, timeout=120)

    desc = job.describe()
    assert desc["state"] == "done" and desc["output"]["lines"] == 5
    report = dxpy.DXFile(desc["output"]["report"], project=dx_emulator.project_id)
    assert report.describe()["folder"] == "/results"
    with dxpy.open_dxfile(report.get_id(), project=dx_emulator.project_id) as handle:
        assert handle.read() == "poem.txt: 5 lines, 9 words\n"
    stats = dxpy.DXRecord(desc["output"]["stats"], project=dx_emulator.project_id)
    assert stats.get_details() == {"lines": 5, "words": 9, "per_chunk": [3, 2]}

    # main started two counters and a summarizer, all subjobs of the run.
    subjobs = dxpy.find_jobs(parent_job=job.get_id(), describe=True)
    assert sorted(found["describe"]["function"] for found in subjobs) == ["count", "count", "summarize"]
    assert "Invoking main" in dx_emulator.job_log(job.get_id())


def test_an_empty_file_fails_the_job_with_an_app_error(applet):
    empty = dxpy.upload_string("", name="empty.txt", wait_on_close=True)
    job = applet.run({"text": dxpy.dxlink(empty)})
    with pytest.raises(dxpy.DXJobFailureError, match="AppError: The input file empty.txt is empty"):
        job.wait_on_done(interval=0.1, timeout=120)
    desc = job.describe()
    assert (desc["state"], desc["failureReason"], desc["failureMessage"]) == (
        "failed", "AppError", "The input file empty.txt is empty")


def test_input_that_does_not_fit_the_spec_is_refused(applet):
    with pytest.raises(dxpy.exceptions.DXAPIError, match="text"):
        applet.run({"text": "not a file link"})
