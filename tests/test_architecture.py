"""The layout's rules, checked: one import direction through sim/'s sub-packages, no cycles,
no UI in the library, only the CLI prints, and the size limits of modules and functions."""

from __future__ import annotations

import ast
import subprocess
import sys

from tests.importgraph import ROOT, find_cycle, graph

SIM = ROOT / "sim"

# Top to bottom: a layer may import only the layers below it (and itself).
LAYERS = ["cli", "report", "runs", "analysis", "engine", "scenario", "base"]
BASE = {"errors", "files", "frozen", "memo", "text"}
ENTRY = "entry"
"""sim/entry.py, the console script: the CLI layer, outside sim.cli so that Ctrl-C while sim.cli
loads can be caught."""


def _layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "sim" or len(parts) < 2:
        return None
    return "base" if parts[1] in BASE else "cli" if parts[1] == ENTRY else parts[1]


def test_sim_layers_import_only_downwards():
    bad = []
    for mod, deps in graph(SIM).items():
        here = _layer(mod)
        if here is None:
            continue
        for dep in deps:
            there = _layer(dep)
            if there is not None and LAYERS.index(there) < LAYERS.index(here):
                bad.append(f"{mod} imports {dep} (a {here} module may not import {there})")
    assert not bad, "\n".join(sorted(bad))


def test_no_import_cycles_in_sim():
    # A package __init__ that re-exports its modules is not a cycle of logic: skip __init__ edges.
    edges = {m: {d for d in deps if not (ROOT / (d.replace(".", "/") + "/__init__.py")).exists()}
             for m, deps in graph(SIM).items()}
    cycle = find_cycle(edges)
    assert cycle is None, " → ".join(cycle or [])


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
        if "cli" in path.relative_to(SIM).parts or path.stem == ENTRY:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "print"]
        assert not calls, f"{path.name} prints (line {calls[0].lineno}): the engine returns events instead"


def test_modules_and_functions_stay_small():
    """No module over 400 lines, no function over 80 (the house rules)."""
    too_long = []
    for top in (SIM, ROOT / "tui"):
        for path in top.rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            rel = path.relative_to(ROOT)
            if text.count("\n") > 400:
                too_long.append(f"{rel}: {text.count(chr(10))} lines")
            for node in ast.walk(ast.parse(text)):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    n = (node.end_lineno or node.lineno) - node.lineno + 1
                    if n > 80:
                        too_long.append(f"{rel}:{node.lineno} {node.name}(): {n} lines")
    assert not too_long, "\n".join(too_long)


def test_every_package_says_what_it_offers():
    for init in [*SIM.rglob("__init__.py"), *(ROOT / "tui").rglob("__init__.py")]:
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc, f"{init.relative_to(ROOT)} has no docstring saying what the package offers"
