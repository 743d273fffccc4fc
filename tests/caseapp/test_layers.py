"""The apps depend downwards only: the import-linter contract of pyproject.toml holds, and would catch a breach."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def test_the_layers_contract_is_kept():
    run = subprocess.run([str(LINT_IMPORTS)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Apps depend downwards only KEPT" in run.stdout


def test_an_import_of_a_higher_app_breaks_the_contract(tmp_path):
    # A copy of the tree where clients imports exchange, as the old code did through the back door.
    copy = tmp_path / "tree"
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(copy)], cwd=ROOT, check=True, capture_output=True, timeout=60
    )
    try:
        for path in ROOT.glob("*.toml"):
            (copy / path.name).write_text(path.read_text())
        (copy / "clients" / "breach.py").write_text("import exchange.services  # noqa: F401\n")
        run = subprocess.run([str(LINT_IMPORTS)], cwd=copy, capture_output=True, text=True, timeout=300)
        assert run.returncode != 0
        assert "clients.breach -> exchange.services" in run.stdout
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(copy)], cwd=ROOT, capture_output=True, timeout=60)
