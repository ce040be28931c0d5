"""dxpy.system_requirements.SystemRequirementsDict (also importable from dxpy.bindings.dxjob)."""
import pytest

from dxpy.exceptions import DXError
from dxpy.system_requirements import SystemRequirementsDict as SRD


def test_same_class_from_dxjob_and_dxapplet():
    from dxpy.bindings import dxapplet, dxjob
    assert dxjob.SystemRequirementsDict is SRD and dxapplet.SystemRequirementsDict is SRD


def test_constructor_copies_and_checks():
    given = {"main": {"instanceType": "x"}}
    srd = SRD(given)
    given["main"]["instanceType"] = "changed"
    assert srd.as_dict() == {"main": {"instanceType": "x"}}
    assert SRD(None).as_dict() is None
    with pytest.raises(DXError, match="Expected entrypoints to be a dict or None"):
        SRD(["main"])


def test_from_instance_type():
    assert SRD.from_instance_type(None).as_dict() is None
    assert SRD.from_instance_type("mem1_ssd1_x2").as_dict() == {"*": {"instanceType": "mem1_ssd1_x2"}}
    assert SRD.from_instance_type("x", "main").as_dict() == {"main": {"instanceType": "x"}}
    assert SRD.from_instance_type({"main": "x", "f": "y"}).as_dict() == {
        "main": {"instanceType": "x"}, "f": {"instanceType": "y"}}
    with pytest.raises(DXError, match="either a string or a dict"):
        SRD.from_instance_type(4)


def test_from_instance_count():
    assert SRD.from_instance_count(None).as_dict() is None
    assert SRD.from_instance_count("6").as_dict() == {"*": {"clusterSpec": {"initialInstanceCount": 6}}}
    assert SRD.from_instance_count(8, "main").as_dict() == {"main": {"clusterSpec": {"initialInstanceCount": 8}}}
    assert SRD.from_instance_count({"main": 4, "f": "2"}).as_dict() == {
        "main": {"clusterSpec": {"initialInstanceCount": 4}}, "f": {"clusterSpec": {"initialInstanceCount": 2}}}
    for bad in ("six", [3], {"main": "many"}, True):
        with pytest.raises(DXError, match="either an int, string or a dict"):
            SRD.from_instance_count(bad)


def test_from_sys_requirements():
    reqs = {"main": {"instanceType": "x", "clusterSpec": {"type": "spark"}}, "f": {"instanceType": "y"}}
    assert SRD.from_sys_requirements(reqs).as_dict() == reqs
    assert SRD.from_sys_requirements(reqs, _type="clusterSpec").as_dict() == {
        "main": {"clusterSpec": {"type": "spark"}}}
    assert SRD.from_sys_requirements(reqs, _type="instanceType").as_dict() == {
        "main": {"instanceType": "x"}, "f": {"instanceType": "y"}}
    with pytest.raises(DXError, match="'_type' to be one of"):
        SRD.from_sys_requirements(reqs, _type="memory")
    with pytest.raises(DXError, match="system_requirements to be a dict"):
        SRD.from_sys_requirements(None, _type="instanceType")


def test_add_merges_per_entry_point():
    added = SRD({"main": {"instanceType": "x"}}) + SRD({"main": {"clusterSpec": {"n": 1}}, "f": {"fpgaDriver": "d"}})
    assert added.as_dict() == {"main": {"instanceType": "x", "clusterSpec": {"n": 1}}, "f": {"fpgaDriver": "d"}}
    assert (SRD(None) + SRD(None)).as_dict() is None
    assert (SRD(None) + SRD({"a": {"instanceType": "x"}})).as_dict() == {"a": {"instanceType": "x"}}
    with pytest.raises(DXError, match="Can only add a SystemRequirementsDict"):
        SRD(None) + {"a": {}}


def test_override_cluster_spec():
    app = SRD({"main": {"clusterSpec": {"initialInstanceCount": 7, "bootstrapScript": "x.sh"}},
               "other": {"clusterSpec": {"initialInstanceCount": 9, "bootstrapScript": "y.sh"}},
               "plain": {"instanceType": "x"}})
    assert app.override_cluster_spec(SRD.from_instance_count(5)).as_dict() == {
        "main": {"clusterSpec": {"initialInstanceCount": 5, "bootstrapScript": "x.sh"}},
        "other": {"clusterSpec": {"initialInstanceCount": 5, "bootstrapScript": "y.sh"}}}
    assert app.override_cluster_spec(SRD.from_instance_count({"main": 12})).as_dict() == {
        "main": {"clusterSpec": {"initialInstanceCount": 12, "bootstrapScript": "x.sh"}}}
    # A named entry point the app only covers with "*" takes the "*" cluster spec.
    wildcard = SRD({"*": {"clusterSpec": {"initialInstanceCount": 2, "bootstrapScript": "t.sh"}}})
    assert wildcard.override_cluster_spec(SRD.from_instance_count({"main": 22, "*": 11})).as_dict() == {
        "main": {"clusterSpec": {"initialInstanceCount": 22, "bootstrapScript": "t.sh"}},
        "*": {"clusterSpec": {"initialInstanceCount": 11, "bootstrapScript": "t.sh"}}}
    # The app's own requirements are not changed.
    assert app.as_dict()["main"]["clusterSpec"]["initialInstanceCount"] == 7


def test_override_spec():
    own = SRD({"main": {"instanceType": "a"}, "f": {"instanceType": "b"}})
    wildcard = SRD({"*": {"instanceType": "z"}})
    assert own.override_spec(wildcard) is wildcard
    assert own.override_spec(SRD({"f": {"instanceType": "c"}, "g": {"instanceType": "d"}})).as_dict() == {
        "main": {"instanceType": "a"}, "f": {"instanceType": "c"}, "g": {"instanceType": "d"}}


def test_module_names_of_dxpy():
    import dxpy.system_requirements as module
    for name in ("SystemRequirementsDict", "DXError", "DXCLIError", "err_exit", "merge", "basestring", "copy",
                 "defaultdict"):
        assert hasattr(module, name), name
