"""Every catalog module imports on its own, first.

Why: an import cycle (decisions → permissions → lifecycle → decisions) once passed the suite only
because another test file happened to import the modules in a working order; a worker or a CLI
command importing the module first would have crashed at start."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import catalog

ROOT = Path(catalog.__file__).parent

# Run in one fresh interpreter: before each module, every catalog module is forgotten, so each is
# imported first (third-party packages stay loaded, which keeps this quick).
PROBE = """
import importlib, sys, traceback
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m == "catalog" or m.startswith("catalog.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception:
        failed.append(name + ": " + traceback.format_exc(limit=3)[-300:])
print("\\n".join(failed))
sys.exit(1 if failed else 0)
"""


def _modules() -> list[str]:
    names = []
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" in path.parts:
            continue  # Alembic scripts are loaded by Alembic, not imported
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        names.append(".".join(p for p in parts if p != "__init__"))
    return names


def test_each_catalog_module_imports_first() -> None:
    names = _modules()
    assert len(names) > 50
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", PROBE, *names],
        cwd=ROOT.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
