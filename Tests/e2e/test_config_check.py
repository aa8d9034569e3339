"""`chargeplex config check` and `chargeplex run` on files with mistakes: each
problem comes out as FILE:LINE: KEY: REASON, including those only the machine
shows (a state directory the agent cannot write, a file the configuration names
that is missing or cannot be used)."""
import os
import subprocess

import pytest

from harness import ROOT, binary

HEAD = """[chargepoint]
id = "CP-CHECK"
vendor = "Chargeplex"
model = "Sim"
[board]
kind = "sim"
"""


def check(tmp_path, text):
    """Writes a configuration (its appended part starts on line 7) and checks it."""
    path = tmp_path / "chargeplex.toml"
    path.write_text(HEAD + text)
    result = subprocess.run([binary(), "config", "check", str(path)], capture_output=True, text=True, timeout=30)
    problems = [line.replace(str(path), "FILE", 1) for line in result.stderr.splitlines()]
    return result.returncode, result.stdout, problems


def test_the_example_file_passes():
    example = os.path.join(ROOT, "config", "chargeplex.example.toml")
    if not os.access("/var/lib", os.W_OK) and not os.path.isdir("/var/lib/chargeplex"):
        pytest.skip("the example keeps its state in /var/lib/chargeplex, which this user cannot create")
    result = subprocess.run([binary(), "config", "check", example], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert "ocpp HeartbeatInterval = 300" in result.stdout


def test_misspelt_and_invalid_ocpp_keys_are_reported(tmp_path):
    status, _, problems = check(tmp_path, '[state]\ndirectory = "%s"\n[ocpp]\n'
                                'MeterValueSampleIntervall = "1"\nHeartbeatInterval = "abc"\n' % tmp_path)
    assert status == 1
    assert problems == [
        "FILE:10: ocpp.MeterValueSampleIntervall: unknown key (did you mean MeterValueSampleInterval?)",
        'FILE:11: ocpp.HeartbeatInterval: expected an integer, found "abc"',
    ]


def test_ocpp_values_in_their_natural_types_pass(tmp_path):
    status, out, problems = check(tmp_path, '[state]\ndirectory = "%s"\n[ocpp]\nHeartbeatInterval = 120\n'
                                  'LocalPreAuthorize = true\nMeterValuesSampledData = ["Voltage", "Current.Import"]\n'
                                  % tmp_path)
    assert (status, problems) == (0, [])
    assert "ocpp MeterValuesSampledData = Voltage,Current.Import" in out


def test_a_relative_state_directory_is_refused(tmp_path):
    status, _, problems = check(tmp_path, '[state]\ndirectory = "state"\n')
    assert status == 1
    assert problems == ['FILE:8: state.directory: must be an absolute path, e.g. "/var/lib/chargeplex"']


def test_a_state_directory_the_agent_cannot_write_is_refused(tmp_path):
    # procfs refuses new files even to root, who is not stopped by permission bits.
    status, _, problems = check(tmp_path, '[state]\ndirectory = "/proc/self"\n')
    assert status == 1
    assert problems == ["FILE:8: state.directory: the agent cannot write in /proc/self: permission denied"]


def test_a_state_directory_that_cannot_be_created_is_refused(tmp_path):
    missing = tmp_path / "missing" / "state"
    status, _, problems = check(tmp_path, '[state]\ndirectory = "%s"\n' % missing)
    assert status == 1
    assert problems == ["FILE:8: state.directory: %s does not exist and cannot be created: %s does not exist either"
                        % (missing, missing.parent)]
    plain = tmp_path / "plain-file"
    plain.write_text("")
    status, _, problems = check(tmp_path, '[state]\ndirectory = "%s"\n' % plain)
    assert problems == ["FILE:8: state.directory: %s exists but is not a directory" % plain]


def test_a_state_directory_the_agent_can_create_passes_and_is_not_created(tmp_path):
    fresh = tmp_path / "fresh"
    status, out, problems = check(tmp_path, '[state]\ndirectory = "%s"\n' % fresh)
    assert (status, problems) == (0, [])
    assert "state in %s" % fresh in out
    assert not fresh.exists()


def test_run_refuses_an_unwritable_state_directory_before_starting(tmp_path):
    path = tmp_path / "chargeplex.toml"
    path.write_text(HEAD + '[state]\ndirectory = "/proc/self"\n')
    result = subprocess.run([binary(), "run", "--config", str(path)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert result.stderr.strip() == ("chargeplex: configuration refused: %s:8: state.directory: "
                                     "the agent cannot write in /proc/self: permission denied" % path)


def test_files_the_configuration_names_must_be_there_and_usable(tmp_path):
    missing, directory, installer = tmp_path / "missing.pem", tmp_path / "a-directory", tmp_path / "install"
    directory.mkdir()
    installer.write_text("#!/bin/sh\n")
    installer.chmod(0o644)
    ca = tmp_path / "ca.pem"
    ca.write_text("")
    status, _, problems = check(tmp_path, '[state]\ndirectory = "%s"\n' % tmp_path
                                + '[[operators]]\nname = "cs"\nurl = "wss://cs.example/ocpp/{id}/"\nrole = "home"\n'
                                + 'security_profile = 3\nclient_certificate = "%s"\nclient_key = "%s"\nca_file = "%s"\n'
                                % (missing, directory, ca)
                                + '[firmware]\ninstaller = "%s"\n' % installer)
    assert status == 1
    assert problems == [
        "FILE:14: operators[0].client_certificate: client certificate of operator cs %s: no such file" % missing,
        "FILE:15: operators[0].client_key: client key of operator cs %s is a directory" % directory,
        "FILE:18: firmware.installer: firmware installer %s is not executable (chmod +x)" % installer,
    ]
    installer.chmod(0o755)
    missing.write_text("")
    status, out, problems = check(tmp_path, '[state]\ndirectory = "%s"\n' % tmp_path
                                  + '[firmware]\ninstaller = "%s"\nca_file = "%s"\n' % (installer, ca))
    assert (status, problems) == (0, [])
    assert "  firmware installer %s: ok" % installer in out and "  firmware CA file %s: ok" % ca in out


def test_a_pin_map_must_be_there_and_one_the_board_accepts(tmp_path):
    def gpio(pin_map):
        return HEAD.replace('kind = "sim"', 'kind = "gpio"\npinmap = "%s"' % pin_map) + '[state]\ndirectory = "%s"\n' % tmp_path

    path = tmp_path / "chargeplex.toml"
    path.write_text(gpio(tmp_path / "board.toml"))
    result = subprocess.run([binary(), "config", "check", str(path)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert result.stderr.strip() == "%s:7: board.pinmap: pin map %s: no such file" % (path, tmp_path / "board.toml")

    (tmp_path / "board.toml").write_text("[board]\nname = \"half a map\"\n")
    result = subprocess.run([binary(), "config", "check", str(path)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert result.stderr.startswith("%s:7: board.pinmap: pin map %s is refused: " % (path, tmp_path / "board.toml"))

    shipped = os.path.join(ROOT, "board", "raspberry-pi-4.toml")
    path.write_text(gpio(shipped))
    result = subprocess.run([binary(), "config", "check", str(path)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert "  pin map %s: ok" % shipped in result.stdout
