"""The package's shape, checked so it stays the map the README draws: matching/ grouped by
pipeline stage with few loose modules, pieces small enough to review, and web reaching matching
only through its two front modules."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MATCHING = ROOT / "matching"
FRONT = {"matching.facade", "matching.operations"}


def _modules(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def test_matching_root_holds_at_most_eight_modules():
    loose = [p.name for p in MATCHING.glob("*.py")]
    assert len(loose) <= 8, loose


def test_no_module_over_300_lines_and_no_function_over_60():
    too_long = []
    for path in _modules(MATCHING):
        source = path.read_text("utf-8")
        if source.count("\n") > 300:
            too_long.append(f"{path.relative_to(ROOT)}: {source.count(chr(10))} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                size = (node.end_lineno or node.lineno) - node.lineno + 1
                if size > 60:
                    too_long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} {size}")
    assert not too_long, too_long


def _matching_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "matching":
                found |= {f"matching.{a.name}" for a in node.names}
            elif node.module.startswith("matching."):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("matching")}
    return found


def test_web_imports_matching_only_through_its_front_modules():
    stray = {}
    for path in _modules(ROOT / "web"):
        rel = str(path.relative_to(ROOT))
        other = _matching_imports(path) - FRONT
        if other:
            stray[rel] = sorted(other)
    assert not stray, stray
