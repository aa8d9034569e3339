"""UpdateFirmware with `[firmware] run_by = "unit"`: the agent never runs the installer
itself but leaves a request in its state directory for chargeplex-firmware.service (root,
outside the sandbox). Here a thread plays chargeplex-firmware.path: it watches for the
request and runs the real `chargeplex firmware-install`, as the unit does."""
import os
import subprocess
import threading


from harness import Agent, binary, wait_until
from test_maintenance import files, firmware_statuses, installer, now  # noqa: F401 (fixture)


class FirmwarePathUnit:
    """What chargeplex-firmware.path and its service do: on a request in the firmware
    folder, `chargeplex firmware-install --config FILE`."""

    def __init__(self, agent, before_run=None):
        self.request = os.path.join(agent.state, "firmware", "install-request")
        self.config = agent.config
        self.before_run = before_run
        self.outputs = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _watch(self):
        while not self.stopped.is_set():
            if os.path.exists(self.request):
                if self.before_run:
                    self.before_run()
                result = subprocess.run([binary(), "firmware-install", "--config", self.config],
                                        capture_output=True, text=True, timeout=120)
                self.outputs.append(result)
            self.stopped.wait(0.05)

    def stop(self):
        self.stopped.set()
        self.thread.join(timeout=30)


def unit_firmware(script):
    return '[firmware]\ninstaller = "%s"\nrun_by = "unit"\n' % script


def test_the_unit_installs_and_the_agent_reports_it_and_restarts(home, files, tmp_path):
    www, base = files
    image = os.urandom(200_000)
    (www / "chargeplex-2.0.bin").write_bytes(image)
    installed = tmp_path / "installed.bin"
    parent = tmp_path / "installer-parent"
    marker = tmp_path / "installer-marker"
    script = installer(tmp_path, 'cp "$1" "%s"\necho $PPID > "%s"\necho "$CHARGEPLEX_FIRMWARE_INSTALL" > "%s"\n'
                       % (installed, parent, marker))
    agent = Agent([("home", home.url, "home")], extra=unit_firmware(script)).start()
    unit = FirmwarePathUnit(agent)
    try:
        home.wait_for_call("StatusNotification", connectorId=1)
        home.send("UpdateFirmware", {"location": base + "/chargeplex-2.0.bin", "retrieveDate": now()})
        home.wait_for_call("FirmwareStatusNotification", status="Installed", timeout=60)
        assert firmware_statuses(home) == ["Downloading", "Downloaded", "Installing", "Installed"]
        assert installed.read_bytes() == image
        # Started by the root side, not by the agent.
        assert int(parent.read_text()) != agent.process.pid
        # What tells the package's maintainer scripts to leave the agent's restart to the agent.
        assert marker.read_text() == "1\n"
        assert unit.outputs and unit.outputs[0].returncode == 0
        assert "installed" in unit.outputs[0].stdout
        assert agent.process.wait(timeout=30) == 0
        folder = os.path.join(agent.state, "firmware")
        assert sorted(os.listdir(folder)) == ["chargeplex-2.0.bin"]
        assert home.invalid() == []
    finally:
        unit.stop()
        agent.terminate()


def test_a_failing_installer_in_the_unit_is_reported_with_its_reason(home, files, tmp_path):
    www, base = files
    (www / "fw.bin").write_bytes(b"not signed")
    script = installer(tmp_path, "echo 'signature check failed' >&2\nexit 3\n")
    agent = Agent([("home", home.url, "home")], extra=unit_firmware(script)).start()
    unit = FirmwarePathUnit(agent)
    try:
        home.wait_for_call("StatusNotification", connectorId=1)
        home.send("UpdateFirmware", {"location": base + "/fw.bin", "retrieveDate": now()})
        home.wait_for_call("FirmwareStatusNotification", status="InstallationFailed", timeout=60)
        assert firmware_statuses(home) == ["Downloading", "Downloaded", "Installing", "InstallationFailed"]
        assert "the installer exited with status 3" in agent.logs()
        assert agent.running
    finally:
        unit.stop()
        agent.terminate()


def test_a_request_nobody_takes_fails_the_installation_with_a_hint(home, files, tmp_path):
    www, base = files
    (www / "fw.bin").write_bytes(b"image")
    installed = tmp_path / "installed.bin"
    script = installer(tmp_path, 'cp "$1" "%s"\n' % installed)
    agent = Agent([("home", home.url, "home")], extra=unit_firmware(script)).start()
    try:
        home.wait_for_call("StatusNotification", connectorId=1)
        home.send("UpdateFirmware", {"location": base + "/fw.bin", "retrieveDate": now()})
        home.wait_for_call("FirmwareStatusNotification", status="InstallationFailed", timeout=60)
        assert "did not take the installation request within 15 s (is chargeplex-firmware.path active?)" in agent.logs()
        assert not installed.exists()
        # The request is withdrawn: a unit started later does not install behind the agent's back.
        assert not os.path.exists(os.path.join(agent.state, "firmware", "install-request"))
    finally:
        agent.terminate()


def test_a_request_left_by_the_previous_run_is_withdrawn_on_start(home, tmp_path):
    script = installer(tmp_path, "exit 0\n")
    agent = Agent([("home", home.url, "home")], extra=unit_firmware(script))
    folder = os.path.join(agent.state, "firmware")
    os.makedirs(folder)
    with open(os.path.join(folder, "install-request"), "w") as f:
        f.write("request 5\nboot %s\nfile fw.bin\n" % boot_id())
    agent.start()
    try:
        home.wait_for_call("BootNotification")
        assert not os.path.exists(os.path.join(folder, "install-request"))
        assert "an installation request of the previous run withdrawn" in agent.logs()
    finally:
        agent.terminate()


def boot_id():
    with open("/proc/sys/kernel/random/boot_id") as f:
        return f.read().strip()


def root_side(tmp_path, request_text, script_body="exit 0\n", prepare=None):
    """Runs `chargeplex firmware-install` on a request written by hand (no agent);
    `prepare(folder)` may plant files in the firmware folder first."""
    tmp_path.mkdir()
    state = tmp_path / "state"
    folder = state / "firmware"
    folder.mkdir(parents=True)
    config = tmp_path / "chargeplex.toml"
    config.write_text('[chargepoint]\nid = "CP"\nvendor = "V"\nmodel = "M"\n[board]\nkind = "sim"\n'
                      '[state]\ndirectory = "%s"\n%s' % (state, unit_firmware(installer(tmp_path, script_body))))
    if prepare:
        prepare(folder)
    (folder / "install-request").write_text(request_text)
    result = subprocess.run([binary(), "firmware-install", "--config", str(config)], capture_output=True, text=True,
                            timeout=60)
    return result, folder


def test_the_root_side_runs_nothing_through_links_and_drops_old_or_bad_requests(tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("untouched")
    ran = tmp_path / "ran"
    records_run = 'touch "%s"\n' % ran

    # The request's file is missing: a failure for the agent, nothing run.
    result, folder = root_side(tmp_path / "a", "request 7\nboot %s\nfile fw.bin\n" % boot_id(), records_run)
    assert result.returncode == 0, result.stderr
    assert (folder / "install-result").read_text().startswith("request 7\nfailed %s/fw.bin cannot be read" % folder)
    assert not ran.exists()

    # The file is a link to another, and the result's name is planted as a link too: root
    # neither installs through the one nor writes through the other.
    def plant(folder):
        os.symlink(victim, folder / "fw.bin")
        os.symlink(victim, folder / "install-result")

    result, folder = root_side(tmp_path / "b", "request 8\nboot %s\nfile fw.bin\n" % boot_id(), records_run, plant)
    assert result.returncode == 0, result.stderr
    assert victim.read_text() == "untouched"
    assert not os.path.islink(folder / "install-result")
    assert (folder / "install-result").read_text() == "request 8\nfailed %s/fw.bin is not a regular file\n" % folder
    assert not ran.exists()
    assert not (folder / "install-request").exists()

    # A request from before the last reboot is dropped without a result.
    result, folder = root_side(tmp_path / "c", "request 9\nboot 00000000-old-boot\nfile fw.bin\n")
    assert result.returncode == 0
    assert "dates from before the last reboot" in result.stdout
    assert not (folder / "install-request").exists()
    assert not (folder / "install-result").exists()

    # A request that names a path is refused and taken away.
    result, folder = root_side(tmp_path / "d", "request 10\nboot %s\nfile ../../../etc/passwd\n" % boot_id())
    assert result.returncode == 1
    assert "is not an installation request: the file is missing or not a plain name" in result.stderr
    assert not (folder / "install-request").exists()
