"""The emulator's modules depend on each other one way: no import cycles in the model (imports
inside functions count), and no module reaches for another's private names."""
import ast
import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EMULATOR = os.path.join(ROOT, "dxpy", "emulator")
MODEL = os.path.join(EMULATOR, "model")


def _modules(folder):
    return sorted(name[:-3] for name in os.listdir(folder) if name.endswith(".py"))


def _tree(path):
    with open(path, encoding="utf-8") as fd:
        return ast.parse(fd.read(), path)


def imported_siblings(path, siblings):
    """The modules of *siblings* that the module at *path* imports anywhere in its body."""
    found = set()
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            names = [node.module.split(".")[0]] if node.module else [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("dxpy.emulator.model."):
            names = [node.module.split(".")[3]]
        elif isinstance(node, ast.Import):
            names = [alias.name.split(".")[3] for alias in node.names
                     if alias.name.startswith("dxpy.emulator.model.")]
        else:
            continue
        found.update(name for name in names if name in siblings)
    return found


def find_cycle(graph):
    """One cycle of *graph* ({node: successors}) as a list of nodes, or None."""
    done, path = set(), []

    def visit(node):
        if node in path:
            return path[path.index(node):] + [node]
        if node in done:
            return None
        path.append(node)
        for successor in sorted(graph[node]):
            cycle = visit(successor)
            if cycle:
                return cycle
        path.pop()
        done.add(node)
        return None
    for node in sorted(graph):
        cycle = visit(node)
        if cycle:
            return cycle
    return None


def model_graph():
    siblings = set(_modules(MODEL)) - {"__init__"}
    return dict((name, imported_siblings(os.path.join(MODEL, name + ".py"), siblings) - {name})
                for name in siblings)


def test_the_model_has_no_import_cycles():
    graph = model_graph()
    assert graph["containers"] >= {"objects", "files"}  # the graph sees imports at all
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_cycle_finder_sees_function_level_imports(tmp_path):
    (tmp_path / "a.py").write_text("from .b import x\n")
    (tmp_path / "b.py").write_text("def f():\n    from .c import y\n    return y\n")
    (tmp_path / "c.py").write_text("from . import a\n")
    graph = dict((name, imported_siblings(str(tmp_path / (name + ".py")), {"a", "b", "c"}))
                 for name in ("a", "b", "c"))
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    (tmp_path / "c.py").write_text("import json\n")
    graph["c"] = imported_siblings(str(tmp_path / "c.py"), {"a", "b", "c"})
    assert find_cycle(graph) is None


def _emulator_files():
    for folder, _, names in os.walk(EMULATOR):
        for name in sorted(names):
            if name.endswith(".py"):
                yield os.path.join(folder, name)


@pytest.mark.parametrize("path", list(_emulator_files()), ids=lambda p: os.path.relpath(p, EMULATOR))
def test_no_private_name_is_imported_from_another_module(path):
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("dxpy.")):
            private = [alias.name for alias in node.names if alias.name.startswith("_")]
            assert not private, "%s imports %s from %s" % (os.path.relpath(path, ROOT), private, node.module)


def test_shared_constants_are_defined_once():
    definitions = {}
    for path in _emulator_files():
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.Assign) and isinstance(node.value, (ast.Tuple, ast.Constant)):
                value = ast.dump(node.value)
                definitions.setdefault(value, []).append(os.path.relpath(path, EMULATOR))
    terminal = ast.dump(ast.parse('("done", "failed", "terminated")', mode="eval").body)
    region = ast.dump(ast.parse('"aws:us-east-1"', mode="eval").body)
    assert definitions.get(terminal) == ["model/states.py"]
    assert definitions.get(region) == ["model/containers.py"]


def test_routes_are_bound_in_the_route_table_only():
    # dxpy/api_routes.json names each route's handler: no module keeps a table of its own
    for name in _modules(MODEL):
        for node in _tree(os.path.join(MODEL, name + ".py")).body:
            targets = node.targets if isinstance(node, ast.Assign) else []
            for target in targets:
                assert not (isinstance(target, ast.Name) and target.id.endswith("_ROUTES")), (name, target.id)
