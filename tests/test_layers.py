"""The dependency direction of docs/architecture.md, read from the source: a layer imports only the
layers below it. A hook list (projects.selectors.STEP_EVIDENCE_HOOKS, projects.models.READ_GRANTS,
projects.sessions.SESSION_LISTENERS) is how a lower app hears from a higher one, never an import."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Each app's layer: an app may import apps of a lower or equal layer only where listed below.
LAYERS = {
    "core": 0,
    "accounts": 1,
    "needs": 2,
    "partners": 2,
    "projects": 3,
    # 幸福家园圆桌会: residents' topics become needs; it and projects never import each other.
    "roundtable": 3,
    # Step 1's sources (questionnaires; visits, meetings and boxes) file needs, beside projects.
    "surveys": 3,
    "outreach": 3,
    "signups": 4,
    "streetwork": 4,
    "scenes": 4,
    # 头雁工程: its 一项目一方案 coaching attaches mentors to projects, so it sits above them.
    "training": 4,
    "library": 5,
    "evaluation": 5,
    "scoring": 6,
    "reports": 6,
    # The monthly rhythm reads every step's records; the front pages link to it, never the reverse.
    "publications": 7,
    # The figures of the seed article, the 幸福账单 and the fill-once reports read every
    # app's records; the homes and /p/ show them, never the reverse.
    "figures": 7,
    "dashboards": 7,
    "public": 7,
    "demo": 8,
}
# Apps of one layer that never import each other (DESIGN.md §3: needs and partners are steps 1
# and 2 side by side; projects links them, not the reverse).
APART = {
    ("needs", "partners"),
    ("partners", "needs"),
    ("publications", "public"),
    ("roundtable", "projects"),
    ("projects", "roundtable"),
    ("publications", "dashboards"),
    ("figures", "dashboards"),
    ("figures", "public"),
    ("publications", "figures"),
    *{
        (a, b)
        for a in ("surveys", "outreach", "projects")
        for b in ("surveys", "outreach", "projects")
        if a != b
    },
}
# accounts and core may read each other's small pieces (core's audit reads the user's scope;
# accounts uses core's fields); no domain app is allowed below them.
BASE = {"core", "accounts"}


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return {name.split(".")[0] for name in names} & set(LAYERS)


def sources(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        parts = path.relative_to(ROOT / app).parts
        # Tests may build fixtures from any app; migrations are history.
        if parts[0] in {"tests", "migrations"}:
            continue
        yield path


CASES = [(app, path) for app in LAYERS for path in sources(app)]


@pytest.mark.parametrize(("app", "path"), CASES, ids=[str(p.relative_to(ROOT)) for _, p in CASES])
def test_an_app_imports_only_the_layers_below_it(app, path):
    wrong = sorted(
        other
        for other in imported_apps(path) - {app}
        if not (app in BASE and other in BASE)
        and (LAYERS[other] > LAYERS[app] or (app, other) in APART)
    )
    assert not wrong, f"{path.relative_to(ROOT)} imports {wrong}, a layer above or beside it"


def test_every_app_has_a_layer():
    apps = {
        p.parent.name
        for p in ROOT.glob("*/apps.py")
        if p.parent.name not in {"baiseshejing", "tests", "scripts"}
    }
    assert apps <= set(LAYERS), f"apps without a layer: {sorted(apps - set(LAYERS))}"


def test_the_check_can_fail(tmp_path):
    module = tmp_path / "probe.py"
    module.write_text("from evaluation.models import Grade\nimport projects.models\n")
    assert imported_apps(module) == {"evaluation", "projects"}


def test_make_test_collects_every_app_with_tests():
    """An app left out of pytest's testpaths has tests that `make test` and CI never run."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    testpaths = set(config["tool"]["pytest"]["ini_options"]["testpaths"])
    with_tests = {p.parent.parent.name for p in ROOT.glob("*/tests/__init__.py")}
    assert with_tests <= testpaths, f"not collected: {sorted(with_tests - testpaths)}"
