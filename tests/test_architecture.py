"""The house rules that a reader of the code relies on, checked on every run.

No module of ``campaign`` imports one that imports it back (not even for type hints);
imports of the package's own modules sit at the top of each file; the core names no
command-line flag; each concept the stages share is defined once.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "campaign"


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def _imports(tree: ast.Module) -> list[tuple[str, ast.stmt]]:
    """Every ``campaign`` module ``tree`` imports, with the statement (wherever it stands)."""
    found: list[tuple[str, ast.stmt]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{a.name}" for a in node.names]
            found += [(n if n in MODULES else node.module, node) for n in names]
        elif isinstance(node, ast.Import):
            found += [(a.name, node) for a in node.names]
    return [(name, node) for name, node in found if name in MODULES]


TREES = {name: _tree(path) for name, path in MODULES.items()}
GRAPH = {name: {target for target, _ in _imports(tree)} - {name} for name, tree in TREES.items()}


def test_no_module_imports_one_that_imports_it_back() -> None:
    def cycle_from(start: str) -> list[str] | None:
        stack, seen = [(start, [start])], set()
        while stack:
            node, route = stack.pop()
            for nxt in sorted(GRAPH[node]):
                if nxt == start:
                    return [*route, start]
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*route, nxt]))
        return None

    cycles = {" -> ".join(c) for name in GRAPH if (c := cycle_from(name))}
    assert not cycles, "import cycles:\n" + "\n".join(sorted(cycles))


def _top_level(tree: ast.Module) -> list[ast.stmt]:
    """The module's statements, those of a top-level ``if TYPE_CHECKING:`` block included."""
    found = list(tree.body)
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            found += node.body
    return found


def test_the_packages_own_imports_sit_at_the_top_of_each_module() -> None:
    late = []
    for name, tree in TREES.items():
        top = {id(node) for node in _top_level(tree)}
        late += [f"{name}:{node.lineno}" for _, node in _imports(tree) if id(node) not in top]
    assert late == []


# The layers, lowest first: a module may import its own layer's modules and lower ones.
LAYERS = [
    {"campaign", "campaign.errors", "campaign.wording"},
    {"campaign.models"},
    {"campaign.people", "campaign.clock", "campaign.config", "campaign.templating"},
    {"campaign.store"},
]


def _layer(module: str) -> int:
    for index, names in enumerate(LAYERS):
        if module in names or (module.startswith("campaign.store.") and index == 3):
            return index
    return len(LAYERS)


def test_the_layers_run_one_way() -> None:
    upward = [
        f"{name} -> {target}"
        for name, targets in GRAPH.items()
        for target in targets
        if _layer(target) > _layer(name)
    ]
    assert upward == []


def test_only_the_store_talks_sql() -> None:
    users = [
        name
        for name, targets in GRAPH.items()
        if not name.startswith("campaign.store")
        and any(t.startswith("campaign.store.schema") for t in targets)
    ]
    sqlalchemy = [
        name
        for name, path in MODULES.items()
        if not name.startswith("campaign.store")
        and re.search(r"^\s*(from|import) sqlalchemy", path.read_text(encoding="utf-8"), re.M)
    ]
    assert (users, sqlalchemy) == ([], [])


def _docstrings(tree: ast.Module) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def test_the_core_names_no_command_line_flag() -> None:
    # Messages name an argument with errors.arg("name"); the CLI spells it as its option.
    flag = re.compile(r"(?<![\w-])--[a-z][a-z-]+")
    found = []
    for name, tree in TREES.items():
        if name.startswith("campaign.cli"):
            continue
        documentation = _docstrings(tree)
        found += [
            f"{name}:{node.lineno}: {node.value!r}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in documentation
            and flag.search(node.value)
        ]
    assert found == []


@pytest.mark.parametrize(
    "definition",
    [
        r"def format_phone\(",
        r"def parse_name\(",
        r"def person_key\(",
        r"def due_until\(",
        r"def field_name\(|def extra_key\(|def _identifier\(",
        r"def to_task\(|def _task\(",
        r"def to_call\(|def _call\(",
        r"class CallLoad\b|Placer = ",
        r"LOAD_HORIZON = ",
        r"POST_LETTER = ",
        r"^HONORIFICS = ",
        r"^def salutation\(",
        r"def check_email\(",
        r"def period\(",
        r"= Environment\(",
    ],
)
def test_each_concept_is_defined_once(definition: str) -> None:
    pattern = re.compile(definition)
    homes = {
        name
        for name, path in MODULES.items()
        for line in path.read_text(encoding="utf-8").splitlines()
        if pattern.search(line)
    }
    assert len(homes) == 1, homes


def test_the_readme_sketches_the_house_as_it_is() -> None:
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    development = readme[readme.index("## Development") :]
    sketch = development[development.index("```text") : development.index("```\n", 10)]
    named = set(re.findall(r"\b([a-z_]+(?:\.py|/))", sketch))
    rooms = {p.name for p in PACKAGE.glob("*.py") if p.name != "__main__.py"} - {"__init__.py"}
    packages = [p for p in PACKAGE.iterdir() if (p / "__init__.py").exists()]
    rooms |= {f"{p.name}/" for p in packages}
    missing = sorted(rooms - named)
    gone = sorted(n for n in named - rooms if n not in {"campaign/", "app.py", "rows.py"})
    assert (missing, gone) == ([], [])
