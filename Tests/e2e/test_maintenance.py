"""UpdateFirmware and GetDiagnostics end to end: a real HTTP server holds
the firmware and takes the diagnostics, a shell script plays the OEM's
installer, and the `ocpp` Central System checks every message against the
official schemas."""
import functools
import http.server
import os
import stat
import threading
import time

import pytest

from harness import Agent


class FilesHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files with GET; stores PUT bodies under their name, or refuses
    them with 403 below /refuse/."""

    def do_PUT(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        status = 403 if self.path.startswith("/refuse/") else 201
        if status == 201:
            with open(os.path.join(self.directory, "uploaded-" + os.path.basename(self.path)), "wb") as f:
                f.write(body)
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture
def files(tmp_path):
    """An HTTP server on a free port serving (and taking files into) tmp_path/www."""
    www = tmp_path / "www"
    www.mkdir()
    handler = functools.partial(FilesHandler, directory=str(www))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield www, "http://127.0.0.1:%d" % server.server_address[1]
    server.shutdown()


def installer(tmp_path, body):
    path = tmp_path / "install-firmware"
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def now():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def firmware_statuses(central, after=0):
    return [c["payload"]["status"] for c in central.calls("FirmwareStatusNotification")[after:]]


def test_the_update_waits_for_the_driver_then_installs_and_restarts(home, files, tmp_path):
    www, base = files
    image = os.urandom(300_000)
    (www / "chargeplex-2.0.bin").write_bytes(image)
    installed = tmp_path / "installed.bin"
    script = installer(tmp_path, 'cp "$1" "%s"\n' % installed)
    agent = Agent([("home", home.url, "home")], extra='[firmware]\ninstaller = "%s"\n' % script).start()
    try:
        home.wait_for_call("StatusNotification", connectorId=1)
        agent.sim("plug", 1)
        agent.sim("swipe", 1, "DRIVER1")
        home.wait_for_call("StartTransaction", idTag="DRIVER1")

        answer = home.send("UpdateFirmware", {"location": base + "/chargeplex-2.0.bin", "retrieveDate": now()})
        assert answer["payload"] == {}
        home.wait_for_call("FirmwareStatusNotification", status="Downloaded")
        # The agent goes on sampling (every 2 s) and does not install under the driver.
        mark = home.mark()
        home.wait_for_call("MeterValues", after=mark, transactionId=1)
        home.wait_for_call("MeterValues", after=home.mark(), transactionId=1)
        assert firmware_statuses(home) == ["Downloading", "Downloaded"]
        assert not installed.exists()

        assert home.send("RemoteStopTransaction", {"transactionId": 1})["payload"] == {"status": "Accepted"}
        home.wait_for_call("FirmwareStatusNotification", status="Installed")
        assert firmware_statuses(home) == ["Downloading", "Downloaded", "Installing", "Installed"]
        calls = home.calls()
        stopped = next(i for i, c in enumerate(calls) if c["action"] == "StopTransaction")
        installing = next(i for i, c in enumerate(calls)
                          if c["action"] == "FirmwareStatusNotification" and c["payload"]["status"] == "Installing")
        assert stopped < installing
        assert installed.read_bytes() == image
        # The agent ends its process for the restart; the service manager starts it again.
        assert agent.process.wait(timeout=30) == 0
        assert home.invalid() == []
    finally:
        agent.terminate()


def test_a_missing_file_is_retried_then_reported_and_nothing_is_installed(home, files, tmp_path):
    _, base = files
    installed = tmp_path / "installed.bin"
    script = installer(tmp_path, 'cp "$1" "%s"\n' % installed)
    agent = Agent([("home", home.url, "home")], extra='[firmware]\ninstaller = "%s"\n' % script).start()
    try:
        home.wait_for_call("StatusNotification", connectorId=1)
        home.send("UpdateFirmware", {"location": base + "/missing.bin", "retrieveDate": now(), "retries": 2, "retryInterval": 1})
        home.wait_for_call("FirmwareStatusNotification", status="DownloadFailed")
        assert firmware_statuses(home) == ["Downloading", "Downloading", "DownloadFailed"]
        assert "404" in agent.logs()
        assert not installed.exists()
        assert agent.process.poll() is None
        assert home.invalid() == []
    finally:
        agent.terminate()


def test_a_failing_installer_is_reported_and_the_charger_keeps_running(home, files, tmp_path):
    www, base = files
    (www / "fw.bin").write_bytes(b"\x7fELF not really")
    script = installer(tmp_path, "echo 'signature check failed' >&2\nexit 3\n")
    agent = Agent([("home", home.url, "home")], extra='[firmware]\ninstaller = "%s"\n' % script).start()
    try:
        home.wait_for_call("StatusNotification", connectorId=1)
        home.send("UpdateFirmware", {"location": base + "/fw.bin", "retrieveDate": now()})
        home.wait_for_call("FirmwareStatusNotification", status="InstallationFailed")
        assert firmware_statuses(home) == ["Downloading", "Downloaded", "Installing", "InstallationFailed"]
        assert "exited with status 3" in agent.logs()
        # Still serving: a trigger now says Idle.
        mark = home.mark()
        assert home.send("TriggerMessage", {"requestedMessage": "FirmwareStatusNotification"})["payload"] == {"status": "Accepted"}
        home.wait_for_call("FirmwareStatusNotification", after=mark, status="Idle")
        assert home.invalid() == []
    finally:
        agent.terminate()


def test_diagnostics_are_uploaded_with_the_log_of_the_period(home, files):
    www, base = files
    agent = Agent([("home", home.url, "home")]).start()
    try:
        home.wait_for_call("StatusNotification", connectorId=1)
        agent.sim("plug", 1)
        answer = home.send("GetDiagnostics", {"location": base + "/support/", "startTime": "2020-01-01T00:00:00Z"})
        name = answer["payload"]["fileName"]
        assert name.startswith("chargeplex-diagnostics-") and name.endswith(".txt")
        home.wait_for_call("DiagnosticsStatusNotification", status="Uploaded")
        statuses = [c["payload"]["status"] for c in home.calls("DiagnosticsStatusNotification")]
        assert statuses == ["Uploading", "Uploaded"]
        report = (www / ("uploaded-" + name)).read_text()
        assert "charge point CP-E2E" in report
        assert "1: Preparing" in report
        assert "home [home] AUTHORITY" in report
        assert "link open" in report
        assert home.invalid() == []
    finally:
        agent.terminate()


def test_a_refused_upload_is_retried_then_reported(home, files):
    _, base = files
    agent = Agent([("home", home.url, "home")]).start()
    try:
        home.wait_for_call("StatusNotification", connectorId=1)
        answer = home.send("GetDiagnostics", {"location": base + "/refuse/", "retries": 2, "retryInterval": 1})
        assert "fileName" in answer["payload"]
        home.wait_for_call("DiagnosticsStatusNotification", status="UploadFailed")
        statuses = [c["payload"]["status"] for c in home.calls("DiagnosticsStatusNotification")]
        assert statuses == ["Uploading", "Uploading", "UploadFailed"]
        assert "HTTP 403" in agent.logs()
        assert home.invalid() == []
    finally:
        agent.terminate()
