"""dxpy's top-level names: everything dxpy exports is reachable, and loaded only on first use."""
import subprocess
import sys

import pytest

import dxpy


def run_python(code):
    return subprocess.run([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, check=True).stdout.strip()


def test_import_loads_no_bindings_http_or_logging():
    loaded = run_python("import sys, dxpy; print(sorted(m for m in ('dxpy.bindings', 'dxpy.http', 'requests', "
                        "'logging', 'dxpy.utils.exec_utils') if m in sys.modules))")
    assert loaded == "[]"


@pytest.mark.parametrize("name, module", [
    ("DXRecord", "dxpy.bindings.dxrecord"), ("DXProject", "dxpy.bindings.dxproject"),
    ("DXFile", "dxpy.bindings.dxfile"), ("DXJob", "dxpy.bindings.dxjob"), ("new_dxrecord", "dxpy.bindings.dxrecord"),
    ("find_data_objects", "dxpy.bindings.search"), ("dxlink", "dxpy.bindings.dxdataobject_functions"),
    ("upload_local_file", "dxpy.bindings.dxfile_functions"), ("user_info", "dxpy.bindings.auth"),
    ("entry_point", "dxpy.utils.exec_utils"), ("run", "dxpy.utils.exec_utils"), ("DXLogHandler", "dxpy.dxlog"),
])
def test_binding_names_are_top_level(name, module):
    assert getattr(dxpy, name).__module__ == module


def test_submodules_and_logger():
    assert dxpy.search.__name__ == "dxpy.bindings.search"
    assert dxpy.retry.__name__ == "dxpy.retry"
    assert dxpy.logger.name == "dxpy"
    assert dxpy.DEFAULT_BUFFER_SIZE > 0 and dxpy.DXFILE_HTTP_THREADS >= 1


def test_config_module_exposes_dxpys_helpers_lazily():
    from dxpy.utils import config
    assert config.fill("a b", width=1) == "a\nb"
    assert config.format_exception(ValueError("x")) == "ValueError: x"
    with pytest.raises(AttributeError):
        config.no_such_helper


@pytest.mark.parametrize("name", ["no_such_name", "_private_thing", "DXNothing"])
def test_unknown_names_raise_attribute_error(name):
    with pytest.raises(AttributeError, match=name):
        getattr(dxpy, name)
    assert not hasattr(dxpy, name)
