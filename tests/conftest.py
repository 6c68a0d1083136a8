from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SCENARIOS = ROOT / "scenarios"
TEMPLATE = SCENARIOS / "_template.yaml"
FLAGSHIP = SCENARIOS / "energy-truce-2025-03.yaml"
HISTORY = SCENARIOS / "energy-truce-2025-03.history.yaml"


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory, monkeypatch):
    """Saves never touch the real per-user folder during tests."""
    from sim.scenario import saves

    monkeypatch.setenv("MEDIATE_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    yield
    saves.use_data_dir(None)  # a test's --data-dir / --out / class player must not leak into the next
    saves.use_exports_dir(None)


@pytest.fixture
def in_tmp_cwd(tmp_path, monkeypatch) -> Path:
    """The test's own folder as the working folder (the TUI writes exports and saves relative to it)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def transcript(tmp_path) -> Path:
    """A flagship game's transcript in the test's folder (the hostile-input tests corrupt it)."""
    from tests.hostile import write_transcript

    return write_transcript(tmp_path)


@pytest.fixture
def edit(tmp_path, monkeypatch, template_text):
    """Write the template with one change as s.yaml in the working folder; returns its text."""
    monkeypatch.chdir(tmp_path)

    def make(old: str, new: str, name: str = "s.yaml") -> str:
        assert old in template_text, old
        text = template_text.replace(old, new, 1)
        Path(name).write_text(text, encoding="utf-8")
        return text

    return make


@pytest.fixture
def template_text() -> str:
    return TEMPLATE.read_text(encoding="utf-8")


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


os.environ.setdefault("COLUMNS", "120")
