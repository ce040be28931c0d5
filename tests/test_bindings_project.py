"""DXContainer and DXProject against the emulator (and payload checks on a scripted server)."""
import pytest
from loopback import reply

import dxpy
from dxpy.bindings import DXContainer, DXProject, new_dxrecord
from dxpy.exceptions import DXError, InvalidInput, InvalidState, PermissionDenied, ResourceNotFound

PID = "project-" + "F" * 24


@pytest.fixture
def project(dx_emulator):
    handler = DXProject()
    handler.new("bindings test")
    return handler


def test_new_returns_id_and_sets_fields(dx_emulator):
    handler = DXProject()
    pid = handler.new("named", summary="s", description="d", protected=True, restricted=False,
                      tags=["a"], properties={"k": "v"})
    assert pid == handler.get_id() and pid.startswith("project-")
    desc = handler.describe()
    assert (desc["name"], desc["summary"], desc["description"], desc["protected"], desc["restricted"]) == \
        ("named", "s", "d", True, False)
    assert desc["tags"] == ["a"] and desc["properties"] == {"k": "v"}
    assert handler.name == "named"  # attributes read the description


def test_new_sends_api_field_names(dx):
    dx.server.push(reply(json={"id": PID}))
    DXProject().new("n", region="aws:us-east-1", download_restricted=True, contains_phi=False, bill_to="org-x",
                    database_ui_view_only=True, external_upload_restricted=True, default_symlink={"a": 1},
                    database_results_restricted=5, drive="drive-x", preview_viewer_restricted=False)
    assert dx.server.requests[-1].json() == {
        "name": "n", "region": "aws:us-east-1", "downloadRestricted": True, "containsPHI": False,
        "billTo": "org-x", "databaseUIViewOnly": True, "externalUploadRestricted": True,
        "defaultSymlink": {"a": 1}, "databaseResultsRestricted": 5, "drive": "drive-x",
        "previewViewerRestricted": False}


def test_update(project):
    project.update(name="renamed", summary="sum", description="desc", protected=True, restricted=True)
    desc = project.describe()
    assert (desc["name"], desc["summary"], desc["description"], desc["protected"], desc["restricted"]) == \
        ("renamed", "sum", "desc", True, True)


def test_update_wrong_type_is_rejected(project):
    with pytest.raises(InvalidInput):
        project.update(protected="yes")


def test_update_sends_unset_fields(dx):
    DXProject(PID).update(version=3, allowed_executables=["applet-x"], https_app_isolated_browsing=True,
                          https_app_isolated_browsing_options={"a": 1}, unset_database_results_restricted=True)
    assert dx.server.requests[-1].path == "/%s/update" % PID
    assert dx.server.requests[-1].json() == {
        "version": 3, "allowedExecutables": ["applet-x"], "httpsAppIsolatedBrowsing": True,
        "httpsAppIsolatedBrowsingOptions": {"a": 1}, "databaseResultsRestricted": None}
    DXProject(PID).update(unset_allowed_executables=True)
    assert dx.server.requests[-1].json() == {"allowedExecutables": None}


def test_folders(project):
    project.new_folder("/a")
    project.new_folder("/b/c", parents=True)
    with pytest.raises(ResourceNotFound):
        project.new_folder("/x/y")
    assert project.list_folder(only="folders") == {"folders": ["/a", "/b"]}
    project.move_folder("/b", "/a")
    assert project.list_folder("/a")["folders"] == ["/a/b"]
    project.remove_folder("/a", recurse=True)
    assert project.list_folder()["folders"] == []


def test_remove_folder_not_empty_needs_recurse(project):
    project.new_folder("/full")
    new_dxrecord(project=project.get_id(), folder="/full")
    with pytest.raises(InvalidState):
        project.remove_folder("/full")
    project.remove_folder("/full", recurse=True, force=True)


def test_list_folder_objects_describe_and_hidden(project):
    shown = new_dxrecord(project=project.get_id(), name="shown")
    hidden = new_dxrecord(project=project.get_id(), name="hidden", hidden=True)
    listing = project.list_folder(describe={"fields": {"name": True}})
    assert listing["objects"] == [{"id": shown.get_id(), "describe": {"id": shown.get_id(), "name": "shown"}}]
    ids = sorted(o["id"] for o in project.list_folder(includeHidden=True, only="objects")["objects"])
    assert ids == sorted([shown.get_id(), hidden.get_id()])
    with pytest.raises(InvalidInput):
        project.list_folder(only="everything")


def test_move_and_remove_objects(project):
    project.new_folder("/dest")
    record = new_dxrecord(project=project.get_id())
    project.move("/dest", objects=[record.get_id()])
    assert record.describe()["folder"] == "/dest"
    project.remove_objects([record.get_id()])
    with pytest.raises(ResourceNotFound):
        record.describe()
    project.remove_objects([record.get_id()], force=True)  # already gone: force makes it a no-op
    with pytest.raises(ResourceNotFound):
        project.remove_objects([record.get_id()])


def test_clone(project, dx_emulator):
    project.new_folder("/src")
    record = new_dxrecord(project=project.get_id(), folder="/src", close=True)
    target = DXProject(dx_emulator.project_id)
    result = project.clone(target.get_id(), destination="/", folders=["/src"])
    assert result["project"] == target.get_id()
    assert target.list_folder("/src")["objects"] == [{"id": record.get_id()}]
    target.new_folder("/deep/er", parents=True)
    again = project.clone(target.get_id(), destination="/deep/er", objects=[record.get_id()])
    assert again["exists"] == [record.get_id()]  # already there: not copied twice
    assert target.list_folder("/deep/er")["objects"] == []


def test_set_properties(project):
    project.set_properties({"a": "1", "b": "2"})
    project.set_properties({"a": None})
    assert project.describe()["properties"] == {"b": "2"}


def test_destroy(project):
    pid = project.get_id()
    project.destroy()
    with pytest.raises(ResourceNotFound):
        DXProject(pid).describe()


def test_describe_passes_input(project):
    desc = project.describe(input_params={"fields": {"name": True}})
    assert desc == {"id": project.get_id(), "name": "bindings test"}


def test_invite_and_decrease_perms(project, dx_emulator):
    other_user, _ = dx_emulator.platform.add_user("other")
    answer = project.invite(other_user, "CONTRIBUTE", send_email=False)
    assert answer["state"] == "fulfilled"
    perms = project.describe(input_params={"fields": {"permissions": True}})["permissions"]
    assert perms[other_user] == "CONTRIBUTE"
    project.decrease_perms(other_user, "VIEW")
    perms = project.describe(input_params={"fields": {"permissions": True}})["permissions"]
    assert perms[other_user] == "VIEW"
    project.decrease_perms(other_user, None)
    perms = project.describe(input_params={"fields": {"permissions": True}})["permissions"]
    assert other_user not in perms


def test_invite_wrong_level_and_member(project):
    with pytest.raises(InvalidInput):
        project.invite("user-nobody-here", "OWN")
    with pytest.raises(ResourceNotFound):
        project.invite("user-nobody-here", "VIEW")
    with pytest.raises(InvalidState):
        project.decrease_perms(dxpy.api.system_whoami()["id"], "VIEW")  # last administrator


def test_invite_payload(dx):
    DXProject(PID).invite("user-bob", "VIEW")
    assert dx.server.requests[-1].json() == {"invitee": "user-bob", "level": "VIEW",
                                             "suppressEmailNotification": False}


def test_container_handler(dx_emulator):
    cid = dx_emulator.platform.new_container(dx_emulator.user_id)
    container = DXContainer(cid)
    container.new_folder("/c")
    record = new_dxrecord(project=cid, folder="/c")
    assert container.list_folder("/c")["objects"] == [{"id": record.get_id()}]
    container.move("/", objects=[record.get_id()])
    container.remove_folder("/c")
    container.remove_objects([record.get_id()])
    assert container.describe()["id"] == cid
    assert container.list_folder() == {"objects": [], "folders": []}


def test_default_container_is_the_workspace(dx_emulator, monkeypatch):
    assert DXProject().get_id() == dx_emulator.project_id
    with pytest.raises(DXError, match="Invalid ID of class container"):
        DXContainer()  # the workspace is a project: not a container ID
    cid = dx_emulator.platform.new_container(dx_emulator.user_id)
    monkeypatch.setattr(dxpy, "WORKSPACE_ID", cid)
    assert DXContainer().get_id() == cid
    assert DXContainer().describe()["class"] == "container"


def test_default_container_without_workspace(dx_emulator, monkeypatch):
    monkeypatch.setattr(dxpy, "WORKSPACE_ID", None)
    handler = DXProject()
    assert handler.get_id() is None
    # as with dxpy, the request goes out and the platform answers that there is no such project
    with pytest.raises(ResourceNotFound, match="The entity None could not be found"):
        handler.describe()
    with pytest.raises(ResourceNotFound):
        handler.new_folder("/x")


@pytest.mark.parametrize("bad", ["foo", "record-" + "B" * 24, 42, "project-short"])
def test_bad_ids_raise_before_any_request(dx, bad):
    with pytest.raises(DXError, match="Invalid ID of class project"):
        DXProject(bad)
    assert dx.server.requests == []


def test_container_rejects_project_id(dx):
    with pytest.raises(DXError, match="container"):
        DXContainer(PID)


def test_permission_denied_on_foreign_project(dx_emulator):
    other_user, other_token = dx_emulator.platform.add_user("stranger")
    foreign = dx_emulator.platform.call(other_user, "/project/new", {"name": "theirs"})["id"]
    with pytest.raises((PermissionDenied, ResourceNotFound)):
        DXProject(foreign).list_folder()
