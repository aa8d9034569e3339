"""SignedUpdateFirmware end to end: a manufacturer CA, a firmware signing certificate and
the signatures made with the `openssl` command, the file served by the HTTP server of the
UpdateFirmware tests, a shell script as the OEM's installer, and two `ocpp` Central
Systems that check every message against the official schemas."""
import os
import subprocess

import pytest

from harness import Agent, CentralSystem
from test_maintenance import files, installer, now  # noqa: F401 (files is a fixture)


def openssl(*arguments, stdin=None):
    return subprocess.run(["openssl", *arguments], check=True, capture_output=True, timeout=60, input=stdin).stdout


class FirmwarePki:
    """A manufacturer CA and a signer it issued; another CA and a signer of the same name."""

    def __init__(self, directory):
        self.directory = str(directory)
        os.makedirs(self.directory, exist_ok=True)
        self._root("manufacturer", "/CN=Chargeplex E2E Manufacturer CA")
        self._signer("signer", "manufacturer")
        self._root("foreign", "/CN=Somebody Else's CA")
        self._signer("foreignsigner", "foreign")

    def path(self, name, kind="pem"):
        return os.path.join(self.directory, "%s.%s" % (name, kind))

    def pem(self, name):
        with open(self.path(name)) as f:
            return f.read()

    def sign(self, name, data):
        """The base64 of `openssl dgst -sha256 -sign` over `data` with `name`'s key."""
        signature = openssl("dgst", "-sha256", "-sign", self.path(name, "key"), stdin=data)
        return openssl("base64", "-A", stdin=signature).decode()

    def install_root(self, state, name):
        """Puts `name`'s certificate in the ManufacturerRootCertificate store of `state`,
        named by its SHA-256 fingerprint, 0700 folders and a 0600 file."""
        folder = os.path.join(state, "certs", "manufacturer")
        os.makedirs(folder, mode=0o700, exist_ok=True)
        os.chmod(os.path.join(state, "certs"), 0o700)
        der = openssl("x509", "-in", self.path(name), "-outform", "DER")
        fingerprint = openssl("dgst", "-sha256", "-r", stdin=der).decode().split()[0]
        target = os.path.join(folder, fingerprint + ".pem")
        with open(target, "w") as f:
            f.write(self.pem(name))
        os.chmod(target, 0o600)

    def _root(self, name, subject):
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", self.path(name, "key"), "-out", self.path(name), "-subj", subject, "-days", "2",
                "-addext", "basicConstraints=critical,CA:TRUE")

    def _signer(self, name, issuer):
        extensions = self.path(name, "ext")
        with open(extensions, "w") as f:
            f.write("basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=codeSigning\n")
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", self.path(name, "key"), "-out", self.path(name, "csr"), "-subj", "/CN=Chargeplex Firmware Signing")
        openssl("x509", "-req", "-in", self.path(name, "csr"), "-CA", self.path(issuer), "-CAkey", self.path(issuer, "key"),
                "-CAcreateserial", "-out", self.path(name), "-days", "2", "-extfile", extensions)


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return FirmwarePki(tmp_path_factory.mktemp("firmware-pki"))


@pytest.fixture
def two():
    """home, and maintenance (data-control) that sends the firmware."""
    home, maintenance = CentralSystem("home"), CentralSystem("maintenance")
    yield home, maintenance
    home.stop()
    maintenance.stop()


def signed_statuses(central, after=0):
    return [(c["payload"]["status"], c["payload"].get("requestId"))
            for c in central.calls("SignedFirmwareStatusNotification")[after:]]


def security_events(central):
    return [c["payload"]["type"] for c in central.calls("SecurityEventNotification")]


def start_agent(two, pki, tmp_path, script):
    home, maintenance = two
    agent = Agent([("home", home.url, "home"), ("maintenance", maintenance.url, "data-control")],
                  extra='[firmware]\ninstaller = "%s"\n' % script)
    pki.install_root(agent.state, "manufacturer")
    agent.start()
    home.wait_for_call("BootNotification")
    maintenance.wait_for_call("BootNotification")
    return agent


def request(base, name, pki, signer, signature, request_id):
    return {"requestId": request_id, "retries": 1, "firmware": {
        "location": base + "/" + name, "retrieveDateTime": now(),
        "signingCertificate": pki.pem(signer), "signature": signature}}


def test_a_signed_file_is_verified_and_waits_for_the_driver_then_installs(two, pki, files, tmp_path):
    home, maintenance = two
    www, base = files
    image = os.urandom(200_000)
    (www / "chargeplex-3.0.bin").write_bytes(image)
    installed = tmp_path / "installed.bin"
    agent = start_agent(two, pki, tmp_path, installer(tmp_path, 'cp "$1" "%s"\n' % installed))
    try:
        home.wait_for_call("StatusNotification", connectorId=1)
        agent.sim("plug", 1)
        agent.sim("swipe", 1, "DRIVER1")
        home.wait_for_call("StartTransaction", idTag="DRIVER1")

        answer = maintenance.send("SignedUpdateFirmware",
                                  request(base, "chargeplex-3.0.bin", pki, "signer", pki.sign("signer", image), 41))
        assert answer["payload"] == {"status": "Accepted"}
        maintenance.wait_for_call("SignedFirmwareStatusNotification", status="SignatureVerified")
        # The charger goes on sampling the driver's session (every 2 s) and installs nothing.
        home.wait_for_call("MeterValues", after=home.mark(), transactionId=1)
        home.wait_for_call("MeterValues", after=home.mark(), transactionId=1)
        assert signed_statuses(maintenance) == [("Downloading", 41), ("Downloaded", 41), ("SignatureVerified", 41)]
        assert not installed.exists()

        assert home.send("RemoteStopTransaction", {"transactionId": 1})["payload"] == {"status": "Accepted"}
        maintenance.wait_for_call("SignedFirmwareStatusNotification", status="Installed")
        assert signed_statuses(maintenance) == [("Downloading", 41), ("Downloaded", 41), ("SignatureVerified", 41),
                                                ("Installing", 41), ("Installed", 41)]
        assert installed.read_bytes() == image
        # The agent ends its process for the restart.
        assert agent.process.wait(timeout=30) == 0
        # The statuses went to the requester only; nobody got an unsigned FirmwareStatusNotification.
        assert signed_statuses(home) == []
        assert home.calls("FirmwareStatusNotification") == maintenance.calls("FirmwareStatusNotification") == []
        assert home.invalid() == [] and maintenance.invalid() == []
    finally:
        agent.terminate()


def test_a_bad_signature_is_refused_with_a_security_event_to_every_operator(two, pki, files, tmp_path):
    home, maintenance = two
    www, base = files
    (www / "fw.bin").write_bytes(b"firmware as built")
    installed = tmp_path / "installed.bin"
    agent = start_agent(two, pki, tmp_path, installer(tmp_path, 'cp "$1" "%s"\n' % installed))
    try:
        # Signed by the right key, but over other bytes than those served.
        signature = pki.sign("signer", b"firmware as signed")
        answer = maintenance.send("SignedUpdateFirmware", request(base, "fw.bin", pki, "signer", signature, 42))
        assert answer["payload"] == {"status": "Accepted"}
        maintenance.wait_for_call("SignedFirmwareStatusNotification", status="InvalidSignature")
        assert signed_statuses(maintenance) == [("Downloading", 42), ("Downloaded", 42), ("InvalidSignature", 42)]
        home.wait_for_call("SecurityEventNotification", type="InvalidFirmwareSignature")
        maintenance.wait_for_call("SecurityEventNotification", type="InvalidFirmwareSignature")
        assert not installed.exists()
        assert agent.process.poll() is None
        assert "firmware signature invalid" in agent.logs()
        assert home.invalid() == [] and maintenance.invalid() == []
    finally:
        agent.terminate()


def test_a_signing_certificate_of_a_foreign_ca_is_answered_invalid_certificate(two, pki, files, tmp_path):
    home, maintenance = two
    www, base = files
    image = b"firmware from elsewhere"
    (www / "other.bin").write_bytes(image)
    installed = tmp_path / "installed.bin"
    agent = start_agent(two, pki, tmp_path, installer(tmp_path, 'cp "$1" "%s"\n' % installed))
    try:
        # A good signature by a signer whose CA is not a manufacturer root.
        signature = pki.sign("foreignsigner", image)
        answer = maintenance.send("SignedUpdateFirmware", request(base, "other.bin", pki, "foreignsigner", signature, 43))
        assert answer["payload"] == {"status": "InvalidCertificate"}
        home.wait_for_call("SecurityEventNotification", type="InvalidFirmwareSigningCertificate")
        maintenance.wait_for_call("SecurityEventNotification", type="InvalidFirmwareSigningCertificate")
        # Nothing was fetched: a request that follows is answered Accepted, not AcceptedCanceled.
        good = pki.sign("signer", image)
        answer = maintenance.send("SignedUpdateFirmware", request(base, "other.bin", pki, "signer", good, 44))
        assert answer["payload"] == {"status": "Accepted"}
        maintenance.wait_for_call("SignedFirmwareStatusNotification", status="Installed")
        assert [r for _, r in signed_statuses(maintenance)] == [44] * 5
        assert installed.read_bytes() == image
        assert home.invalid() == [] and maintenance.invalid() == []
    finally:
        agent.terminate()
