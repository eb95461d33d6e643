"""The shape of the code, checked like behaviour (fast: no app, no database). The layer rules themselves are
import-linter contracts in .importlinter (`make lint`); these are the rules it cannot express."""

import ast
from pathlib import Path

import grimp

PACKAGE = Path(__file__).resolve().parent.parent / "netzwerk"
COMPOSITION_ROOT = {"factory.py"}  # the app factory loads views and commands inside create_app


def python_files():
    return sorted(path for path in PACKAGE.rglob("*.py") if "translations" not in path.parts)


def test_no_module_imports_itself_through_others():
    graph = grimp.build_graph("netzwerk")
    cycles = sorted(
        (module, imported)
        for module in graph.modules
        for imported in graph.find_modules_directly_imported_by(module)
        if graph.chain_exists(importer=imported, imported=module)
    )
    assert cycles == []


def test_no_function_local_imports_outside_the_factory():
    """Imports sit at the top of a module, where a reader (and import-linter) sees them; only the composition
    root imports inside a function."""
    local_imports = []
    for path in python_files():
        if path.name in COMPOSITION_ROOT:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                local_imports += [
                    f"{path.relative_to(PACKAGE.parent)}:{inner.lineno}"
                    for inner in ast.walk(node)
                    if isinstance(inner, ast.Import | ast.ImportFrom)
                ]
    assert local_imports == []


def test_domain_packages_are_only_a_docstring():
    """Importing netzwerk.<domain>.models must not load the domain's views (that is what made the cycles)."""
    loaded = []
    for init in sorted(PACKAGE.glob("*/__init__.py")):
        if (init.parent / "blueprint.py").exists():
            body = ast.parse(init.read_text()).body
            if any(not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)) for node in body):
                loaded.append(str(init.relative_to(PACKAGE.parent)))
    assert loaded == []


def test_no_view_commits_rolls_back_or_delivers_by_hand():
    """One unit of work per request (netzwerk/unit_of_work.py): views translate, the request hook commits."""
    by_hand = []
    for path in sorted(PACKAGE.glob("*/views.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if name in {"commit", "rollback", "deliver"}:
                    by_hand.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {name}()")
    assert by_hand == []
