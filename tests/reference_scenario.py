"""A scenario for the reference dxpy client, run against ``python -m dxpy.emulator``.

Run with the interpreter of a virtualenv holding the published dxpy package, with the
``DX_*`` variables the emulator printed in the environment::

    eval "$(python -m dxpy.emulator | head -n 1)"
    /path/to/venv/bin/python tests/reference_scenario.py [--only STEP ...]

The same scenario runs with this repository's dxpy (``--client this``, with the repository
on PYTHONPATH): both clients must pass it against the emulator.

Each step asserts its outcome and prints ``ok <step>``; the first failure prints its
traceback and exits 1. Exit 2 means the wrong dxpy was imported (this repository's own).
"""
import argparse
import hashlib
import os
import random
import sys
import tempfile
import traceback
import urllib.error
import urllib.request

import dxpy  # the installed reference package; main() refuses this repository's
import dxpy.exceptions as dx_errors

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

MIB = 1024 * 1024
PART_SIZE = 5 * MIB            # the platform's (and the emulator's) minimum part size
FILE_SIZE = 12 * MIB + 12345   # three parts, the last one short
PAGE_RECORDS = 11              # more than the first page asked for below


def _is_inside(path, directory):
    path, directory = os.path.realpath(path), os.path.realpath(directory)
    return os.path.commonpath([path, directory]) == directory


class Scenario(object):
    """The steps, in order; each is a method named ``step_<name>``."""

    STEPS = ("whoami", "project_describe", "folders", "record_lifecycle", "record_closed",
             "find_paging", "find_filters", "find_one", "links_and_handlers", "resolve_paths",
             "project_lifecycle", "move_and_folders", "upload_multipart",
             "download_md5", "read_range", "download_urls", "not_found", "invalid_input",
             "invalid_state_download", "invalid_authentication", "system_routes", "describe_hint",
             "project_settings", "record_from_another", "closed_edits", "workflow_runs")

    def __init__(self, workdir):
        self.workdir = workdir
        self.project_id = dxpy.PROJECT_CONTEXT_ID
        self.project = dxpy.DXProject(self.project_id)
        self.record = None
        self.file_id = None
        self.file_data = None

    # -- project and folders -----------------------------------------------------------

    def step_whoami(self):
        assert dxpy.api.system_whoami()["id"].startswith("user-")

    def step_project_describe(self):
        desc = self.project.describe()
        assert desc["id"] == self.project_id, desc
        assert desc["class"] == "project", desc
        assert isinstance(desc["name"], str) and desc["name"], desc
        params = self.project.describe(input_params={"fields": {"fileUploadParameters": True}})
        assert params["fileUploadParameters"]["minimumPartSize"] <= PART_SIZE, params

    def step_folders(self):
        self.project.new_folder("/scenario/a/b", parents=True)
        self.project.new_folder("/scenario/c")
        listing = self.project.list_folder("/scenario")
        assert sorted(listing["folders"]) == ["/scenario/a", "/scenario/c"], listing
        assert listing["objects"] == [], listing
        try:
            self.project.new_folder("/missing/parent")
        except dx_errors.DXAPIError as e:
            assert e.name in ("ResourceNotFound", "InvalidInput"), e.name
        else:
            raise AssertionError("new_folder without parents=True made a missing parent")

    # -- records -------------------------------------------------------------------------

    def step_record_lifecycle(self):
        record = dxpy.new_dxrecord(name="lifecycle", details={"n": 1, "nested": {"x": [1, 2]}},
                                   tags=["t1", "t2"], properties={"color": "red"},
                                   types=["Scenario"], folder="/scenario/a")
        desc = record.describe(incl_properties=True, incl_details=True)
        assert desc["name"] == "lifecycle" and desc["folder"] == "/scenario/a", desc
        assert desc["state"] == "open" and desc["class"] == "record", desc
        assert sorted(desc["tags"]) == ["t1", "t2"] and desc["types"] == ["Scenario"], desc
        assert desc["properties"] == {"color": "red"}, desc
        assert desc["details"] == {"n": 1, "nested": {"x": [1, 2]}}, desc
        assert record.get_details() == {"n": 1, "nested": {"x": [1, 2]}}

        record.set_details({"n": 2})
        assert record.get_details() == {"n": 2}
        record.add_tags(["t3"])
        record.remove_tags(["t1"])
        record.set_properties({"color": None, "size": "big"})
        record.rename("renamed")
        desc = record.describe(incl_properties=True)
        assert sorted(desc["tags"]) == ["t2", "t3"], desc
        assert desc["properties"] == {"size": "big"}, desc
        assert desc["name"] == "renamed", desc

        record.close()
        assert record.describe()["state"] == "closed"
        self.record = record

    def step_record_closed(self):
        try:
            self.record.set_details({"n": 3})
        except dx_errors.InvalidState:
            pass
        else:
            raise AssertionError("set_details on a closed record succeeded")
        assert self.record.get_details() == {"n": 2}

    # -- search --------------------------------------------------------------------------

    def _find(self, **query):
        query.setdefault("classname", "record")
        query.setdefault("project", self.project_id)
        return list(dxpy.find_data_objects(**query))

    def step_find_paging(self):
        for i in range(PAGE_RECORDS):
            dxpy.new_dxrecord(name="page-%02d" % i, tags=["paged"] + (["even"] if i % 2 == 0 else []),
                              properties={"index": str(i)}, folder="/scenario/pages", parents=True,
                              close=True)
        results = self._find(name="page-*", name_mode="glob", describe=True, first_page_size=3)
        names = sorted(result["describe"]["name"] for result in results)
        assert names == ["page-%02d" % i for i in range(PAGE_RECORDS)], names
        assert len(set(result["id"] for result in results)) == PAGE_RECORDS
        assert all(result["project"] == self.project_id for result in results), results
        limited = self._find(name="page-*", name_mode="glob", first_page_size=2, limit=5)
        assert len(limited) == 5, limited

    def step_find_filters(self):
        evens = self._find(tags=["paged", "even"], describe=True)
        assert len(evens) == (PAGE_RECORDS + 1) // 2, evens
        by_property = self._find(properties={"index": "4"}, describe=True)
        assert [r["describe"]["name"] for r in by_property] == ["page-04"], by_property
        in_folder = self._find(folder="/scenario", recurse=False)
        assert in_folder == [], in_folder
        recursive = self._find(folder="/scenario", recurse=True, name="page-0?", name_mode="glob")
        assert len(recursive) == 10, recursive
        renamed = self._find(name="renamed", folder="/scenario/a", describe=True)
        assert [r["id"] for r in renamed] == [self.record.get_id()], renamed

    def step_find_one(self):
        found = dxpy.find_one_data_object(classname="record", project=self.project_id, name="page-03",
                                          return_handler=True)
        assert isinstance(found, dxpy.DXRecord) and found.name == "page-03", found
        assert dxpy.find_one_data_object(name="no-such-record", project=self.project_id, zero_ok=True) is None
        for query in ({"name": "no-such-record"}, {"name": "page-*", "name_mode": "glob", "more_ok": False}):
            try:
                dxpy.find_one_data_object(project=self.project_id, **query)
            except dx_errors.DXSearchError:
                continue
            raise AssertionError("find_one_data_object(%r) did not raise DXSearchError" % (query,))
        names = [p["describe"]["name"] for p in dxpy.find_projects(level="VIEW", describe=True)]
        assert dxpy.DXProject(self.project_id).name in names, names
        resolved = dxpy.resolve_data_objects([{"name": "page-01", "folder": "/scenario/pages"},
                                              {"name": "nothing-here"}], project=self.project_id)
        assert len(resolved) == 2 and len(resolved[0]) == 1 and resolved[1] == [], resolved

    def step_links_and_handlers(self):
        record_id = self.record.get_id()
        link = dxpy.dxlink(record_id, self.project_id)
        assert link == {"$dnanexus_link": {"project": self.project_id, "id": record_id}}, link
        assert dxpy.is_dxlink(link) and not dxpy.is_dxlink({"id": record_id})
        assert dxpy.get_dxlink_ids(link) == (record_id, self.project_id)
        assert dxpy.dxlink(self.record) == {"$dnanexus_link": record_id}
        handler = dxpy.get_handler(link)
        assert isinstance(handler, dxpy.DXRecord) and handler.get_proj_id() == self.project_id
        assert isinstance(dxpy.get_handler(self.project_id), dxpy.DXProject)
        assert dxpy.describe(record_id)["name"] == "renamed"
        assert dxpy.get_details(record_id) == {"n": 2}
        for bad in ("foo", "file-" + "B" * 24):
            try:
                dxpy.DXRecord(bad)
            except dx_errors.DXError:
                continue
            raise AssertionError("DXRecord(%r) was accepted" % bad)

    def step_resolve_paths(self):
        from dxpy.utils import resolver
        name = self.project.describe()["name"]
        project, folder, entity = resolver.resolve_existing_path(name + ":/scenario/pages/page-02")
        assert project == self.project_id and folder is None, (project, folder)
        assert entity["describe"]["name"] == "page-02" and entity["describe"]["folder"] == "/scenario/pages", entity
        project, folder, entity = resolver.resolve_existing_path(name + ":/scenario/pages", expected="folder")
        assert (project, folder, entity) == (self.project_id, "/scenario/pages", None), (project, folder, entity)
        try:
            resolver.resolve_existing_path(name + ":/scenario/pages/not-there")
        except resolver.ResolutionError:
            pass
        else:
            raise AssertionError("a missing path resolved")

    def step_project_lifecycle(self):
        other = dxpy.DXProject()
        other.new(name="scenario-other", summary="second project", tags=["x"], properties={"k": "v"})
        other.update(description="described")
        dxpy.api.project_add_tags(other.get_id(), {"tags": ["y"]})
        dxpy.api.project_remove_tags(other.get_id(), {"tags": ["x"]})
        other.set_properties({"k": None, "kind": "scratch"})
        desc = other.describe(input_params={"properties": True})
        assert desc["name"] == "scenario-other" and desc["description"] == "described", desc
        assert desc["tags"] == ["y"] and desc["properties"] == {"kind": "scratch"}, desc
        self.project.clone(other.get_id(), objects=[self.record.get_id()], destination="/")
        listing = other.list_folder("/", describe={"fields": {"name": True}})
        assert [obj["describe"]["name"] for obj in listing["objects"]] == ["renamed"], listing
        other.remove_objects([self.record.get_id()])
        assert other.list_folder("/")["objects"] == []
        other.destroy()
        try:
            other.describe()
        except dx_errors.DXAPIError as e:
            assert e.name in ("ResourceNotFound", "PermissionDenied"), e.name
        else:
            raise AssertionError("a destroyed project can still be described")

    def step_move_and_folders(self):
        record_id = self.record.get_id()
        self.project.move("/scenario/c", objects=[record_id], folders=["/scenario/a/b"])
        listing = self.project.list_folder("/scenario/c")
        assert [obj["id"] for obj in listing["objects"]] == [record_id], listing
        assert listing["folders"] == ["/scenario/c/b"], listing
        dxpy.api.project_rename_folder(self.project_id, {"folder": "/scenario/c/b", "name": "bb"})
        assert self.project.list_folder("/scenario/c")["folders"] == ["/scenario/c/bb"]
        self.project.remove_folder("/scenario/c/bb")
        try:
            self.project.remove_folder("/scenario/c")
        except dx_errors.DXAPIError as e:
            assert e.name == "InvalidState", e.name
        else:
            raise AssertionError("remove_folder of a non-empty folder without recurse succeeded")
        self.project.remove_folder("/scenario/c", recurse=True)
        assert "/scenario/c" not in self.project.list_folder("/scenario")["folders"]
        try:
            self.record.describe()
        except dx_errors.ResourceNotFound:
            pass
        else:
            raise AssertionError("a record in a removed folder still exists")

    # -- files ---------------------------------------------------------------------------

    def step_upload_multipart(self):
        self.file_data = random.Random(417).getrandbits(8 * FILE_SIZE).to_bytes(FILE_SIZE, "little")
        path = os.path.join(self.workdir, "upload.bin")
        with open(path, "wb") as f:
            f.write(self.file_data)
        dxfile = dxpy.upload_local_file(path, name="upload.bin", folder="/scenario/files", parents=True,
                                        write_buffer_size=PART_SIZE, wait_on_close=True)
        desc = dxfile.describe(fields={"parts", "size", "state", "name", "folder"})
        assert desc["state"] == "closed" and desc["size"] == FILE_SIZE, desc
        assert desc["name"] == "upload.bin" and desc["folder"] == "/scenario/files", desc
        assert len(desc["parts"]) == 3, sorted(desc["parts"])
        self.file_id = dxfile.get_id()

    def step_download_md5(self):
        path = os.path.join(self.workdir, "download.bin")
        dxpy.download_dxfile(self.file_id, path)
        with open(path, "rb") as f:
            downloaded = hashlib.md5(f.read()).hexdigest()
        assert downloaded == hashlib.md5(self.file_data).hexdigest(), downloaded

    def step_read_range(self):
        dxfile = dxpy.DXFile(self.file_id, mode="rb")
        start = PART_SIZE - 100  # straddles the boundary between the first two parts
        dxfile.seek(start)
        chunk = dxfile.read(1000)
        assert chunk == self.file_data[start:start + 1000], (len(chunk), chunk[:16])

    def step_download_urls(self):
        dxfile = dxpy.DXFile(self.file_id, project=self.project_id)
        first, _ = dxfile.get_download_url(preauthenticated=True, duration=60, project=self.project_id)
        second, _ = dxfile.get_download_url(preauthenticated=True, duration=60, project=self.project_id)
        assert first != second, first  # every preauthenticated URL is new
        with urllib.request.urlopen(urllib.request.Request(first, headers={"Range": "bytes=0-9"})) as response:
            assert response.read() == self.file_data[:10]
        try:
            urllib.request.urlopen(first.split("?", 1)[0])  # the bare URL is no credential
        except urllib.error.HTTPError as e:
            assert e.code == 403, e.code
        else:
            raise AssertionError("a download URL without its signature was served")
        elsewhere = dxpy.api.project_new({"name": "scenario elsewhere"})["id"]
        try:
            for project in (elsewhere, "project-" + "0" * 24):
                try:
                    dxpy.api.file_download(self.file_id, {"project": project})
                except dx_errors.ResourceNotFound:
                    continue
                raise AssertionError("%s gave a download URL of a file it does not hold" % project)
            if hasattr(dxpy.DXFile, "_generate_read_requests"):  # dxpy's own read path asks the same way
                try:
                    list(dxfile._generate_read_requests(project=elsewhere))
                except dx_errors.ResourceNotFound:
                    pass
                else:
                    raise AssertionError("a project that does not hold the file gave read requests")
        finally:
            dxpy.api.project_destroy(elsewhere)

    # -- errors --------------------------------------------------------------------------

    def step_not_found(self):
        for call in (lambda: dxpy.DXRecord("record-" + "B" * 24).describe(),
                     lambda: dxpy.DXFile("file-" + "B" * 24).describe(),
                     lambda: dxpy.DXProject("project-" + "B" * 24).describe()):
            try:
                call()
            except dx_errors.ResourceNotFound:
                continue
            raise AssertionError("an unknown ID was found")

    def step_invalid_input(self):
        bad_calls = [
            ("/record/new", {"project": self.project_id, "name": 42}),
            ("/record/new", {"project": self.project_id, "tags": "not-a-list"}),
            ("/%s/listFolder" % self.project_id, {"folder": 7}),
        ]
        for route, payload in bad_calls:
            try:
                dxpy.DXHTTPRequest(route, payload)
            except (dx_errors.InvalidInput, dx_errors.InvalidType):
                continue
            raise AssertionError("%s accepted %r" % (route, payload))

    def step_invalid_state_download(self):
        dxfile = dxpy.new_dxfile(name="still-open", folder="/scenario/files")
        dxfile.write(b"not closed")
        dxfile.flush()
        try:
            dxfile.get_download_url()
        except dx_errors.InvalidState:
            pass
        else:
            raise AssertionError("an open file gave a download URL")
        try:
            dxpy.download_dxfile(dxfile.get_id(), os.path.join(self.workdir, "open.bin"))
        except (dx_errors.InvalidState, dx_errors.DXFileError) as e:
            # dxpy 0.417.1 passes the server's InvalidState on; this package checks first and names the file.
            assert isinstance(e, dx_errors.InvalidState) or dxfile.get_id() in str(e), e
        else:
            raise AssertionError("an open file was downloaded")

    def step_invalid_authentication(self):
        good = dxpy.SECURITY_CONTEXT
        dxpy.set_security_context({"auth_token_type": "Bearer", "auth_token": "not-a-token"})
        try:
            dxpy.api.system_whoami()
        except dx_errors.InvalidAuthentication:
            pass
        else:
            raise AssertionError("a wrong token was accepted")
        finally:
            dxpy.set_security_context(good)
        dxpy.api.system_whoami()

    # -- the platform's service routes ----------------------------------------------------

    def step_system_routes(self):
        assert dxpy.api.system_greet({"client": "dxclient", "version": "v0.417.1"}) == {"messages": []}
        assert dxpy.api.system_headers()["user-agent"].startswith("dxpy/")
        full = dxpy.api.system_find_projects({"limit": 1}, want_full_response=True)
        assert full.headers["x-content-type-options"] == "nosniff", dict(full.headers)
        server_time = dxpy.DXHTTPRequest("/system/comeBackLater", {})["currentTime"]
        # 503 with Retry-After: 1 until then; the client waits and asks again
        answer = dxpy.DXHTTPRequest("/system/comeBackLater", {"waitUntil": server_time + 800})
        assert answer["currentTime"] >= server_time + 800, answer

    # -- platform behaviours dxpy's own tests rely on ----------------------------------

    def _expect(self, error, call, *args):
        try:
            call(*args)
        except error:
            return
        raise AssertionError("%r did not raise %s" % (call, error.__name__))

    def step_describe_hint(self):
        other = dxpy.api.project_new({"name": "scenario elsewhere"})["id"]
        record = dxpy.new_dxrecord(name="hinted", folder="/scenario", close=True)
        desc = dxpy.DXRecord(record.get_id(), other).describe()
        assert (desc["id"], desc["project"]) == (record.get_id(), self.project_id), desc
        assert record.describe(fields={"name"}) == {"id": record.get_id(), "name": "hinted"}
        dxpy.api.project_destroy(other)

    def step_project_settings(self):
        project = dxpy.DXProject(dxpy.api.project_new({"name": "scenario settings"})["id"])
        desc = project.describe()
        assert desc["databaseUIViewOnly"] is False and desc["databaseResultsRestricted"] is None, desc
        project.update(allowed_executables=["applet-" + "a" * 24], database_results_restricted=5)
        desc = project.describe()
        assert desc["allowedExecutables"] == ["applet-" + "a" * 24], desc
        assert desc["databaseResultsRestricted"] == 5, desc
        project.update(download_restricted=True)
        assert project.describe()["previewViewerRestricted"] is True
        self._expect(dx_errors.InvalidInput, lambda: project.update(download_restricted=False))
        self._expect(dx_errors.ResourceNotFound, dxpy.api.project_describe, "project-None")
        project.destroy()

    def step_record_from_another(self):
        source = dxpy.new_dxrecord(name="source", details={"d": 1}, tags=["t"], types=["T"],
                                   properties={"k": "v"}, folder="/scenario")
        copy = dxpy.new_dxrecord(init_from=source, folder="/scenario")
        desc = copy.describe(incl_properties=True, incl_details=True)
        assert (desc["name"], desc["tags"], desc["types"]) == ("source", ["t"], ["T"]), desc
        assert desc["properties"] == {"k": "v"} and desc["details"] == {"d": 1}, desc

    def step_closed_edits(self):
        record = dxpy.new_dxrecord(name="closed", folder="/scenario", close=True)
        self._expect(dx_errors.InvalidState, record.hide)
        assert record.describe()["hidden"] is False
        closed_file = dxpy.upload_string("done", name="done.txt", folder="/scenario", wait_on_close=True)
        try:
            dxpy.api.file_upload(closed_file.get_id(), {"index": 1})
        except dx_errors.InvalidState as e:
            assert "is not in the open state" in str(e), e
        else:
            raise AssertionError("a closed file gave an upload URL")

    def step_workflow_runs(self):
        applet = dxpy.api.applet_new({
            "project": self.project_id, "name": "scenario-tool", "dxapi": "1.0.0", "folder": "/scenario",
            "inputSpec": [{"name": "n", "class": "int"}], "outputSpec": [],
            "runSpec": {"interpreter": "bash", "code": "main() { :; }",
                        "systemRequirements": {"*": {"instanceType": "mem1_ssd1_x2"}}}})["id"]
        workflow = dxpy.new_dxworkflow(name="scenario-flow", output_folder="/output", folder="/scenario")
        assert workflow.describe()["title"] == "scenario-flow"
        workflow.update(title="Titled")
        workflow.update(unset_title=True)
        assert workflow.describe()["title"] == "scenario-flow"
        workflow.add_stage(applet, stage_id="one", folder="sub", stage_input={"n": 1},
                           instance_type="mem2_ssd1_x4")
        analysis = workflow.run({})
        job = dxpy.DXJob(analysis.describe()["stages"][0]["execution"]["id"]).describe()
        assert (job["folder"], job["instanceType"]) == ("/output/sub", "mem2_ssd1_x4"), job

    def run(self, names):
        for name in names:
            try:
                getattr(self, "step_" + name)()
            except BaseException:
                traceback.print_exc()
                print("FAILED %s" % name)
                sys.stdout.flush()
                return 1
            print("ok %s" % name)
            sys.stdout.flush()
        return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="+", choices=Scenario.STEPS, help="run just these steps, in order")
    parser.add_argument("--client", choices=("reference", "this"), default="reference",
                        help="which dxpy must have been imported: the published one (default) or this repository's")
    args = parser.parse_args(argv)
    if _is_inside(dxpy.__file__, REPO) != (args.client == "this"):
        wrong = "this repository's dxpy" if args.client == "reference" else "another dxpy"
        print("%s was imported (%s), not the %s client" % (wrong, dxpy.__file__, args.client))
        return 2
    missing = [name for name in ("DX_APISERVER_HOST", "DX_SECURITY_CONTEXT", "DX_PROJECT_CONTEXT_ID")
               if not os.environ.get(name)]
    if missing:
        print("missing configuration: %s" % ", ".join(missing))
        return 2
    print("dxpy %s from %s" % (getattr(dxpy, "TOOLKIT_VERSION", "?"), dxpy.__file__))
    with tempfile.TemporaryDirectory(prefix="dxpy-reference-") as workdir:
        return Scenario(workdir).run(args.only or Scenario.STEPS)


if __name__ == "__main__":
    sys.exit(main())
