"""The scenario model and loader: structure, cross references, limits, located messages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from sim.scenario import loader
from sim.scenario.loader import LoadError, load_scenario, load_scenario_located
from tests.conftest import FLAGSHIP, SHARED, TEMPLATE, write

LOCATED = re.compile(r"^.+:\d+:\d+: .+")


def errors_of(path: Path) -> list[loader.Problem]:
    with pytest.raises(LoadError) as info:
        load_scenario(path)
    problems = info.value.problems
    assert problems, "a LoadError always carries at least one problem"
    for p in problems:
        assert LOCATED.match(str(p)), str(p)
    return problems


def line_of(text: str, needle: str) -> int:
    for n, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return n
    raise AssertionError(needle)


def test_template_validates_and_is_frozen():
    s = load_scenario(TEMPLATE)
    assert s.id == "harbour-dispute"
    assert s.issue("fishing").default_option == "status_quo"
    with pytest.raises(ValidationError, match="frozen"):
        s.title = "changed"  # type: ignore[misc]
    assert s.covers("south", "fishing", "shared") == ("boats", "pier")
    assert s.covers("north", "fishing", "shared") == ("boats",)


def test_defaults_keep_small_scenarios_small(tmp_path):
    text = """
schema: 1
id: tiny
title: Tiny
summary: Two parties, one issue.
clock: {start: 2025-01-01T00:00:00+00:00}
issues:
  - id: x
    title: X
    options: [{id: a, label: A}, {id: b, label: B}]
mediator: {name: M}
parties:
  - {id: p, name: P, stances: {x: {weight: 1, values: {b: 100}, demand: b, visibility: private}}}
  - {id: q, name: Q, stances: {x: {weight: 1, values: {a: 100}, demand: a, visibility: private}}}
outcomes: [{id: deal, title: Deal, when: {x: [b]}}]
"""
    s = load_scenario(write(tmp_path, text))
    assert s.clock.round_hours == 24 and s.clock.max_rounds == 30
    assert s.issue("x").default_option == "a"
    assert s.party("p").reservation == 50


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("demand: shared", "demand: shard", "unknown option 'shard' in fishing — did you mean 'shared'?"),
        ("target: boats\n      text: A North", "target: boat\n      text: A North",
         "unknown tag 'boat' — did you mean 'boats'?"),
        ("target: south\n      cost", "target: suoth\n      cost", "unknown party 'suoth' — did you mean 'south'?"),
        ("      pier:\n        weight: 40", "      peir:\n        weight: 40", "unknown issue 'peir' — did you mean 'pier'?"),
        ("{source: gazette, text: \"We will", "{source: gazete, text: \"We will",
         "unknown source 'gazete' — did you mean 'gazette'?"),
        ("south->mediator", "south->mediatr", "unknown party 'mediatr' — did you mean 'mediator'?"),
        ("reads: {fishing.shared:", "reads: {fishing.sharde:", "unknown option 'sharde' in fishing"),
        ("when: {fishing: [shared]}}\n  - {id: settlement",
         "when: {fishing: [share]}}\n  - {id: settlement", "unknown option 'share' in fishing"),
        ("default: undecided", "default: undecide", "unknown option 'undecide' in pier"),
        ("covers: [pier]", "covers: [peir]", "unknown tag 'peir' — did you mean 'pier'?"),
        ("red_lines: [north_only]", "red_lines: [north_olny]", "unknown option 'north_olny'"),
        ("  - id: south\n", "  - id: north\n", "duplicate party id 'north'"),
        ("trust: {south: 0.4, mediator: 0.6}", "trust: {north: 0.4, mediator: 0.6}", "trust in itself"),
        ("demand: built\n        red_lines: [cancelled]", "demand: cancelled\n        red_lines: [cancelled]",
         "also one of the party's red lines"),
        ("        quote: {source: gazette, text: \"No pier in our waters\"}", "",
         "a public stance needs a 'quote'"),
        ("      round: 2", "      round: 12", "after the last round"),
        ("{south->mediator: 0.1}", "{south-mediator: 0.1}", "must look like 'a->b'"),
        ("{south->mediator: 0.1}", "{mediator->south: 0.1}", "the mediator's own trust is not modelled"),
        ("reservation: {south: -5}", "weights: {north: {fishing: 5}, south: {boats: 1}}", "unknown issue 'boats'"),
    ],
)
def test_cross_reference_errors_are_located_with_suggestions(tmp_path, template_text, old, new, expected):
    assert old in template_text, old
    text = template_text.replace(old, new, 1)
    problems = errors_of(write(tmp_path, text))
    assert any(expected in p.message for p in problems), [str(p) for p in problems]
    hit = next(p for p in problems if expected in p.message)
    if new.strip():
        at = template_text.index(old) + (len(new) - len(new.lstrip("\n")))
        assert hit.line == text.count("\n", 0, at) + 1, str(hit)


def test_structural_errors_name_the_field_and_line(tmp_path, template_text):
    text = template_text.replace("  round_hours: 24", "  round_hour: 24").replace("reservation: 45", "reservation: 145")
    problems = errors_of(write(tmp_path, text))
    msgs = {p.message: p for p in problems}
    unknown = next(p for m, p in msgs.items() if "unknown key 'round_hour'" in m)
    assert "did you mean 'round_hours'" in unknown.message
    assert unknown.line == line_of(text, "round_hour:") and unknown.col == 3
    big = next(p for m, p in msgs.items() if "reservation" in m)
    assert big.line == line_of(text, "reservation: 145") and "145" in big.message
    assert len(problems) == 2, "every problem of the file is reported, and no knock-on noise"


def test_a_misspelt_key_inside_a_mapping_of_stances_is_one_error_with_a_suggestion(tmp_path, template_text):
    # A stance sits under its issue's id (a mapping key, not a field): the suggestion looks past it.
    text = template_text.replace("        demand: north_only", "        demnd: north_only", 1)
    assert text != template_text
    problems = errors_of(write(tmp_path, text))
    assert [p.message for p in problems] == ["unknown key 'demnd' — did you mean 'demand'?"], [str(p) for p in problems]
    assert problems[0].line == line_of(text, "demnd:")
    # A key close to none keeps both messages: what is unknown, and what is missing.
    far = template_text.replace("        demand: north_only", "        xyz: north_only", 1)
    messages = [p.message for p in errors_of(write(tmp_path, far))]
    assert any("unknown key 'xyz' (expected one of" in m for m in messages), messages
    assert any("missing required key 'demand'" in m for m in messages), messages


def test_weights_on_an_issue_without_a_stance(tmp_path, template_text):
    text = template_text.replace(
        "        reservation: {south: -5}         # south will settle for 5 points less",
        "        weights: {south: {fishing: 5}}")
    one_stance = text.replace("""      pier:
        weight: 50
        values: {undecided: 60, built: 20, cancelled: 100}
        demand: cancelled
        quote: {source: gazette, text: "No pier in our waters"}
""", "")
    assert one_stance != text
    ok = load_scenario(write(tmp_path, text, "ok.yaml"))
    assert ok.mediator.levers[0].effects.weights == {"south": {"fishing": 5.0}}
    swapped = one_stance.replace("weights: {south: {fishing: 5}}", "weights: {south: {pier: 5}}")
    messages = [p.message for p in errors_of(write(tmp_path, swapped))]
    assert any("south holds no stance on pier" in m for m in messages), messages


def test_too_few_parties_and_naive_times(tmp_path, template_text):
    start = template_text.index("  - id: south\n")
    end = template_text.index("incidents:")
    text = template_text[:start] + template_text[end:]
    text = text.replace("reservation: 40", "reservation: 400").replace("+00:00       # round 0", "       # round 0")
    messages = [p.message for p in errors_of(write(tmp_path, text))]
    assert any("parties: needs at least 2 item(s)" in m for m in messages), messages
    assert any("UTC offset" in m for m in messages), messages
    assert any("reservation" in m and "400" in m for m in messages), messages
    assert not any("Tuple" in m or "Dictionary" in m or "Input should" in m for m in messages), messages


def test_missing_key_and_wrong_types(tmp_path, template_text):
    text = template_text.replace("title: A harbour dispute (example)\n", "").replace("max_rounds: 10", "max_rounds: ten")
    messages = [p.message for p in errors_of(write(tmp_path, text))]
    assert any("missing required key 'title'" in m for m in messages)
    assert any("max_rounds" in m and "'ten'" in m for m in messages)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\xff\xfei\x00d\x00", "UTF-16"),
        (b"id: caf\xe9\n", "not UTF-8"),
        (b"", "empty"),
        (b"a: 1\n---\nb: 2\n", "one YAML document"),
        (b"a: !!python/object:os.system x\n", "not allowed"),
        (b"a: !custom x\n", "not allowed"),
        (b"a: !!binary aGVsbG8=\n", "not allowed"),
        (b"a: !!set {x}\n", "not allowed"),
        (b"a: 1\na: 2\n", "duplicate key 'a'"),
        (b"base: &b {x: 1}\nother:\n  <<: *b\n", "merge keys"),
        (b"? [a, b]\n: 1\n", "plain name"),
        (b"a: [1, 2\n", "YAML syntax error"),
        (b"\tkey: 1\n", "YAML syntax error"),
        (b"- 1\n- 2\n", "must be a mapping"),
        (b"just a string\n", "must be a mapping"),
        (b"x\x00y", "NUL"),
    ],
)
def test_bad_bytes_and_yaml_get_located_messages(tmp_path, content, expected):
    p = tmp_path / "bad.yaml"
    p.write_bytes(content)
    problems = errors_of(p)
    assert any(expected in q.message for q in problems), [str(q) for q in problems]


def test_limits(tmp_path, monkeypatch):
    deep = tmp_path / "deep.yaml"
    deep.write_text("[" * 50_000)
    assert "nesting is deeper" in errors_of(deep)[0].message
    deep_map = tmp_path / "deepmap.yaml"
    deep_map.write_text("".join("  " * n + f"k{n}:\n" for n in range(100)) + "  " * 100 + "v: 1\n")
    assert "nesting is deeper" in errors_of(deep_map)[0].message
    aliases = tmp_path / "aliases.yaml"
    aliases.write_text("a: &x [1]\nb: [" + ", ".join(["*x"] * 30) + "]\n")
    assert "aliases" in errors_of(aliases)[0].message
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * (loader.MAX_BYTES + 10) + "\n")
    assert "limit is" in errors_of(big)[0].message
    nodes = tmp_path / "nodes.yaml"
    nodes.write_text("a: [" + ",".join("1" for _ in range(loader.MAX_NODES + 5)) + "]\n")
    assert "YAML nodes" in errors_of(nodes)[0].message
    assert "no such file" in errors_of(tmp_path / "missing.yaml")[0].message
    assert "folder" in errors_of(tmp_path)[0].message


def test_billion_laughs_is_refused(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for n in range(1, 10):
        lines.append(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]")
    p = write(tmp_path, "\n".join(lines) + "\n")
    assert "aliases" in errors_of(p)[0].message


CORPUS = SHARED / "corpora" / "yaml-test-suite"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpora/yaml-test-suite is not beside the clone")
def test_yaml_test_suite_corpus_always_gets_a_located_error():
    files = sorted(CORPUS.glob("*.yaml"))
    assert len(files) > 300
    for f in files:
        problems = errors_of(f)
        if f.name.startswith("invalid-"):
            # The spec says these must not parse: the message is a YAML error or a refusal of
            # something the loader never accepts (tags, a second document, limits).
            assert problems[0].line >= 1 and problems[0].col >= 1


def test_flagship_validates_with_every_quote_verified():
    if not FLAGSHIP.exists():
        pytest.fail("the flagship scenario is missing")
    s, loc = load_scenario_located(FLAGSHIP)
    assert loader.verify_quotes(s, loc, SHARED / "seeds") == []
    assert len(loader.iter_quotes(s)) >= 20
    # What the README promises: every public demand and red line, lever, scheduled incident and
    # history line is sourced.
    assert all(lv.quote for lv in s.mediator.levers)
    assert all(inc.quote for inc in s.incidents.scheduled)
    assert all(h.quote for h in s.debrief.history)
    assert all(st.quote for p in s.parties for st in p.stances.values() if st.visibility == "public")


def test_quote_verification_catches_a_changed_quote(tmp_path, template_text):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "gazette.txt").write_text(
        "“The grounds have always been ours,” said the mayor. "
        "We will share   or we will fight. No pier in our waters.", encoding="utf-8")
    good = write(tmp_path, template_text)
    s, loc = load_scenario_located(good)
    assert loader.verify_quotes(s, loc, tmp_path / "src") == []
    bad = write(tmp_path, template_text.replace("No pier in our waters", "No pier in our harbour"), "bad.yaml")
    s, loc = load_scenario_located(bad)
    found = loader.verify_quotes(s, loc, tmp_path / "src")
    assert len(found) == 1 and "not found verbatim" in found[0].message
    assert found[0].line == line_of(bad.read_text(), "No pier in our harbour")
    s, loc = load_scenario_located(good)
    missing = loader.verify_quotes(s, loc, tmp_path)
    assert "no file 'gazette.txt'" in missing[0].message


def test_normalise_quotes_and_whitespace():
    assert loader.normalise("“Hello”\n  it’s   me") == "\"Hello\" it's me"


# ---------------------------------------------------------------- mutations never crash

_TEMPLATE_DATA = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))

_values = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                    st.text(max_size=12), st.lists(st.integers(), max_size=3),
                    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2))


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for n, v in enumerate(node):
            yield from _paths(v, (*prefix, n))


_ALL_PATHS = [p for p in _paths(_TEMPLATE_DATA) if p]


def _mutate(data, path, value, mode):
    import copy

    data = copy.deepcopy(data)
    cur = data
    for part in path[:-1]:
        cur = cur[part]
    last = path[-1]
    if mode == "delete":
        del cur[last]
    elif mode == "rename" and isinstance(cur, dict):
        cur[str(last) + "x"] = cur.pop(last)
    else:
        cur[last] = value
    return data


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(_ALL_PATHS), _values, st.sampled_from(["set", "delete", "rename"]))
def test_mutated_scenarios_never_raise_anything_but_located_errors(tmp_path, path, value, mode):
    data = _mutate(_TEMPLATE_DATA, path, value, mode)
    p = tmp_path / "m.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    try:
        load_scenario(p)
    except LoadError as exc:
        for prob in exc.problems:
            assert LOCATED.match(str(prob))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300))
def test_random_bytes_never_raise_anything_but_located_errors(tmp_path, data):
    p = tmp_path / "r.yaml"
    p.write_bytes(data)
    with pytest.raises(LoadError):
        load_scenario(p)


def test_control_characters_in_text_are_refused(tmp_path, template_text):
    text = template_text.replace("title: A harbour dispute (example)", 'title: "A harbour \\e[2J dispute"')
    problems = errors_of(write(tmp_path, text))
    assert any("control character U+001B" in p.message for p in problems)
    assert problems[0].line == line_of(text, "title:")


@pytest.mark.parametrize(
    ("written", "read"),
    [("17", 17), ("017", 17), ("-3", -3), ("+4", 4), ("2.5", 2.5), ("1e3", 1000.0), (".5", 0.5), ("true", True),
     ("False", False), ("yes", "yes"), ("off", "off"), ("0x36", "0x36"), ("0o17", "0o17"), ("3_5", "3_5"),
     ("1:30", "1:30"), ("=", "="), ("~", None), ("2025-01-10", "2025-01-10")],
)
def test_plain_scalars_follow_the_yaml_12_core_schema(written, read):
    data, _ = loader.parse_yaml(f"v: {written}\n", "t.yaml")
    assert data["v"] == read and type(data["v"]) is type(read)
