"""The layout's rules, checked: the engine library never imports the TUI or NegMAS, and never prints."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

SIM = Path(__file__).resolve().parent.parent / "sim"


def test_sim_imports_neither_tui_nor_negmas():
    code = ("import importlib, pkgutil, sys, sim\n"
            "for m in pkgutil.walk_packages(sim.__path__, 'sim.'):\n"
            "    if not m.name.endswith('__main__'):\n"
            "        importlib.import_module(m.name)\n"
            "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('tui', 'textual', 'negmas'))\n"
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"sim/ pulled in {out}"


def test_only_the_cli_prints():
    for path in SIM.rglob("*.py"):
        if "cli" in path.relative_to(SIM).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "print"]
        assert not calls, f"{path.name} prints (line {calls[0].lineno}): the engine returns events instead"
