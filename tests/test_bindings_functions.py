"""dxpy.bindings.dxdataobject_functions: links, get_handler, describe, get_details, remove."""
import pytest

import dxpy
import dxpy.api
from dxpy.bindings import dxdataobject_functions as fn
from dxpy.exceptions import DXError

H = "B" * 24  # the hash part of a well-formed ID


def oid(klass):
    return "%s-%s" % (klass, H)


def new_record(emu, name="rec", details=None, folder="/"):
    return dxpy.api.record_new({"project": emu.project_id, "name": name, "folder": folder,
                                "details": details if details is not None else {"n": name}})["id"]


# dxlink / is_dxlink / get_dxlink_ids

def test_dxlink_forms():
    assert fn.dxlink(oid("file")) == {"$dnanexus_link": oid("file")}
    assert fn.dxlink(oid("file"), project_id=oid("project")) == \
        {"$dnanexus_link": {"project": oid("project"), "id": oid("file")}}
    assert fn.dxlink(oid("job"), field="out") == {"$dnanexus_link": {"job": oid("job"), "field": "out"}}
    # field wins over project_id
    assert fn.dxlink(oid("job"), project_id=oid("project"), field="out") == \
        {"$dnanexus_link": {"job": oid("job"), "field": "out"}}


def test_dxlink_returns_links_unchanged():
    link = {"$dnanexus_link": {"project": oid("project"), "id": oid("record")}}
    assert fn.dxlink(link) is link
    assert fn.dxlink(link, project_id=oid("container")) is link


def test_dxlink_of_handlers():
    from dxpy.bindings.dxrecord import DXRecord
    from dxpy.bindings.dxjob import DXJob
    record = DXRecord(oid("record"), project=oid("project"))
    assert fn.dxlink(record) == {"$dnanexus_link": oid("record")}
    assert fn.dxlink(record, project_id=oid("project")) == \
        {"$dnanexus_link": {"project": oid("project"), "id": oid("record")}}
    assert fn.dxlink(DXJob(oid("job")), field="x") == {"$dnanexus_link": {"job": oid("job"), "field": "x"}}


def test_dxlink_wrong_input():
    with pytest.raises(DXError, match="123"):
        fn.dxlink(123)
    with pytest.raises(DXError, match="file-B"):
        fn.dxlink(oid("file"), field="out")  # a job-based reference needs a job ID
    with pytest.raises(DXError, match="not-an-id"):
        fn.dxlink("not-an-id", field="out")


@pytest.mark.parametrize("value, expected", [
    ({"$dnanexus_link": oid("file")}, True),
    ({"$dnanexus_link": {"id": oid("file")}}, True),
    ({"$dnanexus_link": {"project": oid("project"), "id": oid("file")}}, True),
    ({"$dnanexus_link": {"job": oid("job"), "field": "f"}}, True),
    ({"$dnanexus_link": {"project": oid("project")}}, False),
    ({"$dnanexus_link": 5}, False),
    ({"link": oid("file")}, False),
    (oid("file"), False),
    (None, False),
    ([{"$dnanexus_link": oid("file")}], False),
])
def test_is_dxlink(value, expected):
    assert fn.is_dxlink(value) is expected


def test_get_dxlink_ids():
    assert fn.get_dxlink_ids({"$dnanexus_link": oid("file")}) == (oid("file"), None)
    assert fn.get_dxlink_ids({"$dnanexus_link": {"id": oid("file")}}) == (oid("file"), None)
    assert fn.get_dxlink_ids({"$dnanexus_link": {"id": oid("file"), "project": oid("project")}}) == \
        (oid("file"), oid("project"))
    assert fn.get_dxlink_ids({"$dnanexus_link": {"job": oid("job"), "field": "out"}}) == (oid("job"), "out")


@pytest.mark.parametrize("bad", [oid("file"), {"$dnanexus_link": 3}, {"x": 1}, None,
                                 {"$dnanexus_link": {"job": oid("job")}}, {"$dnanexus_link": {"field": "out"}}])
def test_get_dxlink_ids_wrong_input(bad):
    with pytest.raises(DXError, match="Invalid link"):
        fn.get_dxlink_ids(bad)


# get_handler

@pytest.mark.parametrize("klass, class_name", [
    ("record", "DXRecord"),
    ("file", "DXFile"),
    ("database", "DXDatabase"),
    ("applet", "DXApplet"),
    ("workflow", "DXWorkflow"),
])
def test_get_handler_data_objects(klass, class_name):
    cls = getattr(dxpy.bindings, class_name)
    handler = fn.get_handler(oid(klass), project=oid("project"))
    assert type(handler) is cls
    assert handler.get_id() == oid(klass)
    assert handler.get_proj_id() == oid("project")
    # from a link carrying a project; an explicit project wins over the link's
    link = {"$dnanexus_link": {"project": oid("container"), "id": oid(klass)}}
    assert fn.get_handler(link).get_proj_id() == oid("container")
    assert fn.get_handler(link, project=oid("project")).get_proj_id() == oid("project")
    assert fn.get_handler({"$dnanexus_link": oid(klass)}).get_id() == oid(klass)


def test_get_handler_without_project_uses_the_workspace(monkeypatch):
    monkeypatch.setattr(dxpy, "WORKSPACE_ID", oid("container"))
    handler = fn.get_handler(oid("record"))
    assert handler.get_id() == oid("record")
    assert handler.get_proj_id() == oid("container")


@pytest.mark.parametrize("klass, class_name", [
    ("project", "DXProject"),
    ("container", "DXContainer"),
    ("job", "DXJob"),
    ("analysis", "DXAnalysis"),
])
def test_get_handler_projectless(klass, class_name):
    cls = getattr(dxpy.bindings, class_name)
    # the project argument is ignored for handlers that live in no project
    for value in (oid(klass), {"$dnanexus_link": oid(klass)}):
        handler = fn.get_handler(value, project=oid("project"))
        assert type(handler) is cls
        assert handler.get_id() == oid(klass)


@pytest.mark.parametrize("klass, class_name", [
    ("app", "DXApp"),
    ("globalworkflow", "DXGlobalWorkflow"),
])
def test_get_handler_global_executables(klass, class_name):
    cls = getattr(dxpy.bindings, class_name)
    by_id = fn.get_handler(oid(klass))
    assert type(by_id) is cls and by_id.get_id() == oid(klass)
    by_name = fn.get_handler(klass + "-bwa_mem")
    assert type(by_name) is cls
    assert (by_name._name, by_name._alias) == ("bwa_mem", "default")
    versioned = fn.get_handler(klass + "-bwa_mem/1.2.3")
    assert (versioned._name, versioned._alias) == ("bwa_mem", "1.2.3")
    assert fn.get_handler({"$dnanexus_link": klass + "-bwa_mem/beta"})._alias == "beta"


@pytest.mark.parametrize("bad", [
    "gtable-" + H,            # no such handler in dxpy 0.417.1
    "user-alice",
    "nodash",
    123,
    None,
    {"$dnanexus_link": {"job": "job-" + H, "field": "out"}},  # a reference to an output, not an object
    {"not": "a link"},
])
def test_get_handler_wrong_input(bad):
    with pytest.raises(DXError, match="Could not parse link"):
        fn.get_handler(bad)


def test_get_handler_malformed_id_of_known_class():
    with pytest.raises(DXError, match="record-short"):
        fn.get_handler("record-short")


# describe / get_details / remove against the emulator

def test_describe_one_object(dx_emulator):
    rid = new_record(dx_emulator, "one")
    desc = fn.describe(rid)
    assert desc["id"] == rid and desc["name"] == "one" and desc["class"] == "record"
    by_link = fn.describe(fn.dxlink(rid, dx_emulator.project_id), incl_details=True)
    assert by_link["details"] == {"n": "one"}
    assert fn.describe(dx_emulator.project_id)["name"] == "emulator project"
    assert fn.describe(fn.get_handler(rid))["name"] == "one"


def test_describe_list_is_one_call(dx_emulator, monkeypatch):
    ids = [new_record(dx_emulator, "r%d" % i) for i in range(3)]
    sent = []
    real = dxpy.api.system_describe_data_objects

    def spy(payload, *args, **kwargs):
        sent.append(payload)
        return real(payload, *args, **kwargs)
    monkeypatch.setattr(dxpy.api, "system_describe_data_objects", spy)

    items = [ids[0], {"$dnanexus_link": ids[1]}, {"$dnanexus_link": {"project": dx_emulator.project_id, "id": ids[2]}}]
    descs = fn.describe(items)
    assert [d["id"] for d in descs] == ids
    assert [d["name"] for d in descs] == ["r0", "r1", "r2"]
    assert sent == [{"objects": [{"id": i, "describe": True} for i in ids]}]

    sent[:] = []
    descs = fn.describe(ids, fields=["name", "details"], classDescribeOptions={"*": {"fields": {"name": True}}})
    assert sent == [{"objects": [{"id": i, "describe": {"name": True, "details": True}} for i in ids],
                     "classDescribeOptions": {"*": {"fields": {"name": True}}}}]
    assert [d["details"] for d in descs] == [{"n": "r0"}, {"n": "r1"}, {"n": "r2"}]
    assert fn.describe([]) == []


def test_describe_wrong_input(dx_emulator):
    with pytest.raises(DXError, match="42"):
        fn.describe(42)
    with pytest.raises(DXError, match="Could not parse link"):
        fn.describe({"$dnanexus_link": {"job": oid("job"), "field": "f"}})
    with pytest.raises(DXError, match="17"):
        fn.describe([oid("record"), 17])
    missing = "record-" + "Z" * 24
    with pytest.raises(DXError, match=missing):
        fn.describe([new_record(dx_emulator), missing])


def test_get_details(dx_emulator):
    rid = new_record(dx_emulator, details={"a": [1, 2]})
    assert fn.get_details(rid) == {"a": [1, 2]}
    assert fn.get_details(fn.dxlink(rid, dx_emulator.project_id)) == {"a": [1, 2]}
    with pytest.raises(DXError, match="Could not parse link"):
        fn.get_details("bogus")


def test_remove(dx_emulator):
    keep, gone = new_record(dx_emulator, "keep"), new_record(dx_emulator, "gone")
    fn.remove(fn.dxlink(gone, dx_emulator.project_id))
    listed = dxpy.api.project_list_folder(dx_emulator.project_id, {"folder": "/"})["objects"]
    assert [o["id"] for o in listed] == [keep]
    with pytest.raises(dxpy.exceptions.DXAPIError):
        fn.remove(gone)
    with pytest.raises(DXError, match="Could not parse link"):
        fn.remove(None)


def test_exported_from_dxpy_bindings():
    import dxpy.bindings
    for name in ("dxlink", "is_dxlink", "get_dxlink_ids", "get_handler", "describe", "get_details", "remove"):
        assert getattr(dxpy.bindings, name) is getattr(fn, name)
    assert fn.all_bindings is vars(dxpy.bindings)
