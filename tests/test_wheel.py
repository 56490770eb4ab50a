"""The wheel ships the task folder as lm_eval/tasks/logic_suite/, and uninstalling spares lm-eval."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import lm_eval

from benchmarks import SOURCE_TASKS

ROOT = Path(__file__).resolve().parents[1]
IGNORE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "dist",
    "build",
    "*.egg-info",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    "out",
)


def _pip(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", *args]
    run = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    return run


def _files(root: Path) -> set[str]:
    return {
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_wheel_install_and_uninstall_leave_lm_eval_intact(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=IGNORE)
    _pip(
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "--no-cache-dir",
        "-w",
        str(tmp_path),
        str(src),
    )
    (whl,) = tmp_path.glob("logic_suite-*.whl")

    names = set(zipfile.ZipFile(whl).namelist())
    shipped = {n for n in names if n.startswith("lm_eval/")}
    expected = {
        f"lm_eval/tasks/logic_suite/{p.name}" for p in SOURCE_TASKS.iterdir() if p.is_file()
    }
    assert "lm_eval/tasks/logic_suite/logic_suite.yaml" in expected
    assert shipped == expected  # the task folder, and nothing else of lm_eval's
    assert not any(n.endswith("__init__.py") for n in shipped)
    assert "benchmarks/report.py" in names and "verifiers/extract.py" in names

    # A fresh venv with its own copy of lm-eval (hard links), other dependencies from this env.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    py = venv / "bin" / "python"
    site = Path(
        subprocess.run(
            [py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
    )  # fmt: skip
    here = Path(sysconfig.get_paths()["purelib"])
    lm_root = Path(lm_eval.__file__).parent
    link = os.link if os.stat(lm_root).st_dev == os.stat(site).st_dev else shutil.copy2
    shutil.copytree(lm_root, site / "lm_eval", copy_function=link, ignore=IGNORE)
    (dist_info,) = here.glob("lm_eval-*.dist-info")
    shutil.copytree(dist_info, site / dist_info.name)
    (site / "deps.pth").write_text(str(here) + "\n")
    before = _files(site / "lm_eval")

    _pip(
        "--python", str(py), "install", "--no-deps", "--no-index", "--no-build-isolation", str(whl)
    )
    installed = site / "lm_eval" / "tasks" / "logic_suite"
    assert (installed / "logic_suite.yaml").is_file() and (installed / "utils.py").is_file()
    probe = (
        "import lm_eval, benchmarks\n"
        "from lm_eval.tasks import TaskManager\n"
        "tm = TaskManager()\n"
        "print(lm_eval.__file__)\n"
        "print(benchmarks.tasks_path())\n"
        "print('logic_suite' in tm.all_groups, 'logic_suite_seating_l4_mcq' in tm.all_subtasks)\n"
    )
    bare = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # the install, not a tree
    out = subprocess.run([py, "-c", probe], capture_output=True, text=True, cwd=tmp_path, env=bare)
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.split("\n")
    assert lines[0].startswith(str(site)) and Path(lines[1]) == installed
    assert lines[2] == "True True"  # found by lm-eval with no --include_path
    # `write-tasks --check` reads the installed task folder (there is no source tree here)
    check = subprocess.run(
        [py, "-m", "benchmarks", "write-tasks", "--check"],
        capture_output=True, text=True, cwd=tmp_path, env=bare,
    )  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr[-2000:]
    assert check.stdout.strip() == f"{installed}: up to date"

    _pip("--python", str(py), "uninstall", "-y", "logic-suite")
    assert not installed.exists()
    assert _files(site / "lm_eval") == before  # every lm-eval file is still there
    check = subprocess.run(
        [py, "-c", "import lm_eval.tasks, lm_eval.api.task; print(lm_eval.__version__)"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert check.returncode == 0 and check.stdout.strip() == lm_eval.__version__
