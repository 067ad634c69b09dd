"""The folder tree is the architecture: layers import downwards only (.importlinter), and no cycles."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

from fixtures import REPO

LINT = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports())"


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """import-linter's own command on the tree at `root` (its dashboard/ and .importlinter)."""
    return subprocess.run(
        [sys.executable, "-c", LINT], cwd=root, capture_output=True, text=True, timeout=120,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
    )


def copy_package(target: Path) -> Path:
    shutil.copytree(REPO / "dashboard", target / "dashboard", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / ".importlinter", target / ".importlinter")
    return target


def test_arch001_the_layers_contract_is_kept() -> None:
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_arch002_an_upward_import_breaks_the_contract(tmp_path: Path) -> None:
    root = copy_package(tmp_path)
    model = root / "dashboard" / "data" / "model.py"
    model.write_text(model.read_text(encoding="utf-8") + "\nfrom dashboard.web import ids  # upward\n", encoding="utf-8")
    result = lint_imports(root)
    assert result.returncode != 0
    assert "dashboard.data.model -> dashboard.web.ids" in result.stdout


def test_arch003_a_cycle_inside_a_layer_breaks_the_contract(tmp_path: Path) -> None:
    root = copy_package(tmp_path)
    colors = root / "dashboard" / "views" / "colors.py"
    colors.write_text(colors.read_text(encoding="utf-8") + "\nfrom dashboard.views import figures  # cycle\n", encoding="utf-8")
    result = lint_imports(root)
    assert result.returncode != 0 and "broken" in result.stdout


def test_arch004_dashboard_has_only_the_layer_packages_at_its_top() -> None:
    top = sorted(path.name for path in (REPO / "dashboard").iterdir() if path.name != "__pycache__")
    assert top == ["__init__.py", "__main__.py", "cli", "data", "output", "store", "views", "web"]


def test_arch005_nothing_in_dashboard_imports_the_app_module() -> None:
    """app.py is the wiring on top; import-linter can't take a plain module as root, so check here."""
    offenders = []
    for path in (REPO / "dashboard").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            if any(name == "app" or name.startswith("app.") for name in names):
                offenders.append(str(path.relative_to(REPO)))
    assert offenders == []
