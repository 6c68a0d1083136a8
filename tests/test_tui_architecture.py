"""The TUI's imports run one way: the app over the screens over the widgets over sim's public API.

Every import is read with ``ast`` by ``tests/importgraph.py`` (imports inside functions too: a lazy import still ties two
modules together), relative imports resolved, and the graph of ``tui`` modules checked.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.importgraph import ROOT, find_cycle, graph, imported

TUI = ROOT / "tui"


def tui_graph(root: Path = ROOT) -> dict[str, set[str]]:
    """tui module -> the tui modules it imports."""
    return graph(root / "tui", root)


def test_tui_modules_import_each_other_without_a_cycle():
    assert find_cycle(tui_graph()) is None, f"import cycle: {' → '.join(find_cycle(tui_graph()) or [])}"


def test_widgets_never_import_screens_or_the_app():
    for name, deps in tui_graph().items():
        if name.startswith("tui.widgets"):
            bad = sorted(d for d in deps if d.startswith("tui.screens") or d == "tui.app")
            assert not bad, f"{name} imports {bad}: widgets sit below the screens (post a message instead)"


def test_screens_never_import_the_app():
    for name, deps in tui_graph().items():
        if name.startswith("tui.screens"):
            assert "tui.app" not in deps, f"{name} imports tui.app: post a message the app handles instead"


def test_tui_uses_only_sims_public_names():
    for path in TUI.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sim"):
                private = [a.name for a in node.names if a.name.startswith("_")]
                private += [p for p in (node.module or "").split(".") if p.startswith("_")]
                assert not private, f"{path.relative_to(ROOT)} imports sim's private {private}"


# The checks themselves must be able to fail: a cycle and a widget importing a screen.

def test_the_cycle_check_finds_a_lazy_import_cycle(tmp_path):
    pkg = tmp_path / "tui"
    (pkg / "screens").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "screens" / "__init__.py").write_text("")
    (pkg / "app.py").write_text("from .screens.picker import Picker\n")
    (pkg / "screens" / "picker.py").write_text("def start():\n    from ..app import MediateApp\n")
    assert find_cycle(tui_graph(tmp_path)) == ["tui.app", "tui.screens.picker", "tui.app"]


@pytest.mark.parametrize("source", ["from ..screens.modals import ChoiceModal\n",
                                    "def f():\n    from tui.screens import modals\n"])
def test_the_widget_check_sees_a_screen_import(tmp_path, source):
    widget = tmp_path / "tui" / "widgets" / "picker.py"
    widget.parent.mkdir(parents=True)
    widget.write_text(source)
    assert any(m.startswith("tui.screens") for m in imported(widget, tmp_path))
