"""The service files in contrib/ run as written: the systemd unit's ExecStart and the launchd agent's
ProgramArguments, in a temporary home (`--once`, so they return), with the inbox and the log's folder
not there yet."""

from __future__ import annotations

import os
import plistlib
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.core.errors import ExitCode

from .conftest import ROOT, requires_tesseract

UNIT = ROOT / "contrib" / "cardscan-watch.service"
PLIST = ROOT / "contrib" / "com.cardscan.watch.plist"


def unit_settings() -> dict[str, str]:
    settings = {}
    for line in UNIT.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            settings[key.strip()] = value.strip()
    return settings


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A home with cardscan where the service files expect it (~/cardscan, installed with make install)."""
    home = tmp_path / "home"
    bin_dir = home / "cardscan" / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    installed = Path(sys.executable).parent / "cardscan"
    if not installed.exists():
        pytest.skip("the cardscan command is not installed in this environment")
    (bin_dir / "cardscan").symlink_to(installed)
    return home


def run_as_service(argv: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
    return subprocess.run(argv, capture_output=True, text=True, timeout=300, env=env, cwd=home)


@requires_tesseract
def test_the_systemd_units_command_line_runs_as_written(home: Path):
    command = unit_settings()["ExecStart"].replace("%h", str(home))
    result = run_as_service([*shlex.split(command), "--once"], home)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert (home / "Cards").is_dir() and (home / "contacts").is_dir()
    log = (home / ".local" / "state" / "cardscan" / "watch.log").read_text(encoding="utf-8")
    assert f"cardscan watch: created the inbox {home / 'Cards'}" in log
    assert "cardscan watch: 0 filed, 0 failed, 0 already filed" in log


@requires_tesseract
def test_the_launchd_agents_program_runs_as_written(home: Path):
    agent = plistlib.loads(PLIST.read_bytes())
    assert agent["Label"] == "com.cardscan.watch" and agent["RunAtLoad"] is True
    assert agent["KeepAlive"] == {"SuccessfulExit": False}
    result = run_as_service([*agent["ProgramArguments"], "--once"], home)
    assert result.returncode == 0, result.stderr
    assert (home / "Cards").is_dir()
    log = (home / "Library" / "Logs" / "cardscan" / "watch.log").read_text(encoding="utf-8")
    assert "cardscan watch: 0 filed" in log


def test_the_unit_does_not_restart_on_what_a_restart_cannot_mend():
    settings = unit_settings()
    assert settings["Restart"] == "on-failure"
    assert settings["KillMode"] == "mixed"  # SIGTERM to cardscan alone: it finishes the card in progress
    never = {int(code) for code in settings["RestartPreventExitStatus"].split()}
    assert {ExitCode.BAD_ARGS, ExitCode.TESSERACT_MISSING, ExitCode.OUTPUT_NOT_WRITABLE} <= never


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_accepts_the_unit(home: Path):
    env = {**os.environ, "HOME": str(home), "XDG_RUNTIME_DIR": str(home)}
    result = subprocess.run(["systemd-analyze", "--user", "verify", str(UNIT)], capture_output=True, text=True,
                            timeout=60, env=env)
    if "Failed to initialize manager" in result.stderr:
        pytest.skip(f"systemd-analyze cannot run here: {result.stderr.strip()}")
    assert result.returncode == 0 and result.stderr.strip() == "", result.stderr


@requires_tesseract
def test_an_inbox_that_cannot_be_made_is_one_line(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "pipeline", "watch", str(blocker / "Cards"), "--once",
                             "--contacts", str(tmp_path / "contacts"), "--log-file", str(tmp_path / "log" / "w.log")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == ExitCode.OUTPUT_NOT_WRITABLE
    assert result.stderr.strip().splitlines()[-1] == (
        f"cardscan: error: {blocker / 'Cards'}: cannot create the inbox folder (Not a directory)")
    assert "Traceback" not in result.stderr
    assert "cannot create the inbox folder" in (tmp_path / "log" / "w.log").read_text(encoding="utf-8")


def test_a_log_file_that_cannot_be_written_is_one_line(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "pipeline", "watch", str(tmp_path / "inbox"), "--once",
                             "--log-file", str(blocker / "logs" / "watch.log")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == ExitCode.OUTPUT_NOT_WRITABLE
    assert re.fullmatch(r"cardscan: error: .*watch\.log: cannot write the log file \(.*\)", result.stderr.strip())
    assert not (tmp_path / "inbox").exists()
