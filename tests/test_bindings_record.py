"""DXRecord and new_dxrecord against the emulator: every DXDataObject method on a record."""
import pytest

from loopback import reply

from dxpy.bindings import DXRecord, new_dxrecord
from dxpy.bindings.dxproject import DXProject
from dxpy.exceptions import DXError, InvalidState, ResourceNotFound


def test_new_dxrecord_sets_every_creation_field(dx_emulator):
    record = new_dxrecord(details={"a": [1, 2]}, name="rec", tags=["t1"], types=["T"], hidden=True,
                          properties={"k": "v"}, folder="/x/y", parents=True)
    assert record.get_proj_id() == dx_emulator.project_id
    desc = record.describe(incl_properties=True, incl_details=True)
    assert (desc["name"], desc["folder"], desc["tags"], desc["types"], desc["hidden"]) == \
        ("rec", "/x/y", ["t1"], ["T"], True)
    assert desc["properties"] == {"k": "v"}
    assert desc["details"] == {"a": [1, 2]}
    assert desc["state"] == "open"


def test_new_record_close_and_none_values_dropped(dx_emulator):
    record = DXRecord()
    record.new(close=True, name=None)  # name=None is not sent: the platform default applies
    desc = record.describe()
    assert desc["state"] == "closed"
    assert desc["name"] == record.get_id()


def test_new_record_in_explicit_project(dx_emulator):
    other = DXProject()
    other.new("other")
    record = new_dxrecord(project=other.get_id())
    assert record.get_proj_id() == other.get_id()
    assert record.describe()["project"] == other.get_id()


def test_init_from_copies_metadata(dx_emulator):
    source = new_dxrecord(details={"x": 1}, types=["A"], tags=["tag"])
    copied = new_dxrecord(init_from=source, name="copy")
    assert copied.get_id() != source.get_id()
    assert copied.describe()["name"] == "copy"


def test_init_from_must_be_a_record(dx_emulator):
    with pytest.raises(DXError, match="init_from"):
        new_dxrecord(init_from="record-" + "B" * 24)


def test_init_from_sends_initialize_from(dx):
    dx.server.push(reply(json={"id": "record-" + "C" * 24}))
    new_dxrecord(init_from=DXRecord("record-" + "B" * 24, "project-" + "F" * 24), project="project-" + "G" * 24)
    payload = dx.server.requests[-1].json()
    assert payload["initializeFrom"] == {"id": "record-" + "B" * 24, "project": "project-" + "F" * 24}
    assert payload["project"] == "project-" + "G" * 24
    assert "init_from" not in payload


def test_extra_kwargs_go_to_the_http_request(dx):
    dx.server.push(reply(json={"id": "record-" + "C" * 24}))
    record = new_dxrecord(project="project-" + "G" * 24, headers={"X-Extra": "yes"})
    assert record.get_id() == "record-" + "C" * 24
    assert dx.server.requests[-1].headers["X-Extra"] == "yes"


def test_details_round_trip_and_close(dx_emulator):
    record = new_dxrecord()
    record.set_details([1, "two"])
    assert record.get_details() == [1, "two"]
    record.close()
    assert record._get_state() == "closed"
    with pytest.raises(InvalidState):
        record.set_details({"a": 1})


def test_types(dx_emulator):
    record = new_dxrecord()
    record.add_types(["A", "B"])
    record.remove_types(["A"])
    assert record.describe()["types"] == ["B"]


def test_tags_properties_rename_visibility(dx_emulator):
    record = new_dxrecord(name="old")
    record.add_tags(["x", "y"])
    record.remove_tags(["x"])
    record.set_properties({"p": "1", "q": "2"})
    record.set_properties({"q": None})
    record.rename("new")
    record.hide()
    desc = record.describe()
    assert desc["tags"] == ["y"]
    assert desc["name"] == "new"
    assert desc["hidden"] is True
    assert record.get_properties() == {"p": "1"}
    record.unhide()
    assert record.describe(fields={"hidden"})["hidden"] is False


def test_attributes_come_from_the_description(dx_emulator):
    record = new_dxrecord(name="attr")
    assert record.name == "attr"
    assert record.state == "open"
    with pytest.raises(AttributeError):
        record.no_such_field


def test_list_projects(dx_emulator):
    record = new_dxrecord()
    assert record.list_projects() == {dx_emulator.project_id: "ADMINISTER"}


def test_move_clone_remove(dx_emulator):
    project = DXProject(dx_emulator.project_id)
    project.new_folder("/dest")
    record = new_dxrecord(name="m")
    record.move("/dest")
    assert record.describe()["folder"] == "/dest"
    record.close()  # only closed objects can be cloned

    other = DXProject()
    other.new("clone target")
    clone = record.clone(other.get_id(), folder="/")
    assert clone is not record and isinstance(clone, DXRecord)
    assert clone.get_id() == record.get_id()
    assert clone.get_proj_id() == other.get_id()
    assert record.get_proj_id() == dx_emulator.project_id
    assert clone.describe()["project"] == other.get_id()

    record_id = record.get_id()
    record.remove()
    assert (record.get_id(), record.get_proj_id()) == (None, None)
    # the project of a describe is a hint: the copy left elsewhere is described
    assert DXRecord(record_id, dx_emulator.project_id).describe()["project"] == other.get_id()
    assert DXRecord(record_id, other.get_id()).describe()["id"] == record_id
    other.remove_objects([record_id])
    with pytest.raises(ResourceNotFound):
        DXRecord(record_id, dx_emulator.project_id).describe()


def test_clone_rejects_bad_project(dx_emulator):
    record = new_dxrecord(close=True)
    with pytest.raises(DXError, match="not-a-project"):
        record.clone("not-a-project")


def test_describe_with_other_project_hint_sends_project(dx):
    rid, pid = "record-" + "B" * 24, "project-" + "F" * 24
    dx.server.push(reply(json={"id": rid, "name": "n"}))
    assert DXRecord(rid, pid).describe(fields=["name"]) == {"id": rid, "name": "n"}
    assert dx.server.requests[-1].json() == {"fields": {"name": True}, "project": pid}
