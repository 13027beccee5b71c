"""The layout's one rule, checked on the code: a package imports only from packages below it
(text ← ingest ← talks ← the index and everything above, the answerer above the index and search; models, settings, errors and the flat text helpers
are below everything)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parent.parent / "src" / "confqa"
# What each package may import from confqa, besides itself.
BELOW_EVERYTHING = {"confqa.models", "confqa.settings", "confqa.errors", "confqa.lexical", "confqa.tokenization"}
ALLOWED = {
    "text": BELOW_EVERYTHING,
    "ingest": BELOW_EVERYTHING | {"confqa.text"},
    "talks": BELOW_EVERYTHING | {"confqa.text", "confqa.ingest"},
    # The index is built from notes (ingest, talks) with the embedding model; it knows nothing of searching.
    "index": BELOW_EVERYTHING | {"confqa.text", "confqa.ingest", "confqa.talks", "confqa.embedding",
                                 "confqa.version"},
    # Search reads an opened index (and the Milvus collection the index wrote); it knows nothing of answers.
    "search": BELOW_EVERYTHING | {"confqa.text", "confqa.talks", "confqa.index"},
    # The answerer reads the index and the search's hits; it never imports the API, the CLI or the evaluation.
    "answer": BELOW_EVERYTHING | {"confqa.text", "confqa.ingest", "confqa.index.store", "confqa.search"},
    # The server is a surface over the API, like the CLI: it answers through Assistant and holds no search or
    # answer logic of its own.
    "serve": BELOW_EVERYTHING | {"confqa.api", "confqa.index.storage", "confqa.text", "confqa.generation", "confqa.version",
                                 "confqa.render"},
}


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("confqa"):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("confqa"))
    return found


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_packages_import_only_from_below(package: str) -> None:
    own = f"confqa.{package}"
    wrong = []
    for path in sorted((SOURCE / package).rglob("*.py")):
        for module in _imports(path):
            if module == own or module.startswith(own + "."):
                continue
            if not any(module == a or module.startswith(a + ".") for a in ALLOWED[package]):
                wrong.append(f"{path.relative_to(SOURCE)} imports {module}")
    assert not wrong, wrong
    assert any((SOURCE / package).rglob("*.py"))  # the package exists: the check is not vacuous


def test_no_module_imports_the_package_surface() -> None:
    """`from confqa import …` inside confqa would make every module import the API (an import loop)."""
    offenders = [str(path.relative_to(SOURCE)) for path in sorted(SOURCE.rglob("*.py"))
                 if path.name != "__init__.py" or path.parent != SOURCE
                 if "confqa" in _imports(path)]
    assert not offenders, offenders


def test_the_api_holds_no_backend_branches() -> None:
    """One interface per seam: the API never asks which search backend runs (search.open_backend and
    index.mirror are the factories that do)."""
    assert "milvus" not in (SOURCE / "api.py").read_text().lower()
    asking = [str(path.relative_to(SOURCE)) for path in sorted(SOURCE.rglob("*.py"))
              if re.search(r"""backend\s*[!=]=\s*["']milvus""", path.read_text())]
    assert asking == ["index/mirror.py", "search/__init__.py"], asking


def test_only_the_cli_starts_the_server() -> None:
    """serve sits on top, beside the CLI: nothing below imports it (the API stays free of web frameworks)."""
    offenders = [str(path.relative_to(SOURCE)) for path in sorted(SOURCE.rglob("*.py"))
                 if "serve" not in path.relative_to(SOURCE).parts and path.name != "cli.py"
                 if any(m == "confqa.serve" or m.startswith("confqa.serve.") for m in _imports(path))]
    assert not offenders, offenders
