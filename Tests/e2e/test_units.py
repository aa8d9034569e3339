"""The systemd units in systemd/, checked with the host's systemd-analyze (no systemd need
run): the agent's sandbox scores an exposure of at most 2.0, and every unit verifies, with
the man page that Documentation= names where it is installed."""
import os
import re
import shutil
import stat
import subprocess

import pytest

from harness import ROOT

UNITS = os.path.join(ROOT, "systemd")
NAMES = ("chargeplex.service", "chargeplex-firmware.path", "chargeplex-firmware.service")
SYSTEM_UNITS = next((p for p in ("/usr/lib/systemd/system", "/lib/systemd/system") if os.path.isdir(p)), None)

pytestmark = pytest.mark.skipif(shutil.which("systemd-analyze") is None or SYSTEM_UNITS is None,
                                reason="needs systemd-analyze and the system's units")


def unit_settings(name):
    """Every KEY=value of a unit file, values in order, comments left out."""
    settings = {}
    with open(os.path.join(UNITS, name)) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith(("#", ";", "[")):
                key, _, value = line.partition("=")
                settings.setdefault(key, []).append(value)
    return settings


def test_the_agents_sandbox_scores_an_exposure_of_at_most_2():
    result = subprocess.run(["systemd-analyze", "security", "--offline=yes", os.path.join(UNITS, "chargeplex.service")],
                            capture_output=True, text=True, timeout=60)
    if "--offline" in result.stderr and "unrecognized" in result.stderr:
        pytest.skip("this systemd-analyze has no --offline (systemd 252 or newer has)")
    score = re.search(r"Overall exposure level for chargeplex\.service: (\d+\.\d)", result.stdout)
    assert score, result.stdout + result.stderr
    assert float(score.group(1)) <= 2.0, result.stdout


@pytest.fixture
def root(tmp_path):
    """A root directory with the system's units, ours, and a stand-in /usr/bin/chargeplex."""
    shutil.copytree(SYSTEM_UNITS, tmp_path / "usr/lib/systemd/system", symlinks=True)
    (tmp_path / "etc/systemd/system").mkdir(parents=True)
    for name in NAMES:
        shutil.copy(os.path.join(UNITS, name), tmp_path / "etc/systemd/system" / name)
    program = tmp_path / "usr/bin/chargeplex"
    program.parent.mkdir(parents=True)
    program.write_text("#!/bin/sh\n")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    return tmp_path


def verify(root, *options, env=None):
    return subprocess.run(["systemd-analyze", "verify", "--root=%s" % root, *options, *NAMES],
                          capture_output=True, text=True, timeout=60, env=dict(os.environ, **(env or {})))


def test_every_unit_verifies(root):
    result = verify(root, "--man=no")
    assert (result.returncode, result.stderr) == (0, "")


def test_documentation_points_at_a_man_page_that_verify_finds_once_installed(root, tmp_path):
    # The package installs chargeplex(8); a stand-in on MANPATH plays it.
    pages = tmp_path / "man" / "man8"
    pages.mkdir(parents=True)
    (pages / "chargeplex.8").write_text(".TH CHARGEPLEX 8\n.SH NAME\nchargeplex \\- charge point agent\n")
    result = verify(root, env={"MANPATH": str(tmp_path / "man")})
    assert (result.returncode, result.stderr) == (0, "")
    for name in NAMES:
        assert unit_settings(name)["Documentation"] == ["man:chargeplex(8)"]


def test_the_units_agree_on_the_state_directory_and_the_configuration():
    agent = unit_settings("chargeplex.service")
    watcher = unit_settings("chargeplex-firmware.path")
    installer = unit_settings("chargeplex-firmware.service")
    state = "/var/lib/" + agent["StateDirectory"][0]
    # The request the agent leaves (Sources/chargeplex/Daemon/FirmwareInstallRequest.swift).
    assert watcher["PathExists"] == [state + "/firmware/install-request"]
    assert watcher["Unit"] == ["chargeplex-firmware.service"]
    assert "chargeplex-firmware.path" in " ".join(agent["Wants"])
    configuration = agent["ExecStart"][0].split("--config ")[1]
    assert installer["ExecStart"] == ["/usr/bin/chargeplex firmware-install --config " + configuration]
    # The root unit outlasts the installer's own limit of 30 minutes.
    assert installer["TimeoutStartSec"] == ["35min"]
