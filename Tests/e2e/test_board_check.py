"""`chargeplex board check --pinmap board/<map>.toml` with every shipped pin map:
the binary reads the map, asks libgpiod for each line it names and reports each
one, in the map's order, with the chip and offset the map gives. Where the
machine has no such chip (no gpio-sim, no Raspberry Pi here) every line says
"chip not found" and the exit status is 1; a line that is ok on a machine with
the chip makes no difference to what is checked.

Run against the arm64 binary under emulation too (scripts/test-arm64): the
pin-map reader and the libgpiod calls are the target's own code then.
"""
import glob
import os
import re
import subprocess
import tomllib

import pytest

from harness import ROOT, binary

# The keys of a pin map that name a GPIO line (Sources/Board/GPIO/PinMapReader.swift).
LINE_KEYS = ("relay", "relay_feedback", "plug", "meter", "ready_light", "charging_light", "fault_light", "buzzer",
             "d0", "d1")
REPORT = re.compile(r'^(?P<key>\S+) \((?P<role>[^)]+)\): (?P<chip>.+?) line (?P<offset>\d+)(?: "[^"]*")?: '
                    r"(?P<status>ok|chip not found|no such line on this chip|in use by '.*'|.+?)"
                    r"(?:, reads (?:active|inactive))?$")
LIMIT_KEYS = ("contact",)
PIN_MAPS = sorted(glob.glob(os.path.join(ROOT, "board", "*.toml")))


def expected_lines(path):
    """(key, chip, offset) of every line the pin map names, in the order of the file."""
    with open(path, "rb") as f:
        pin_map = tomllib.load(f)
    default_chip = pin_map["board"]["chip"]
    aliases = pin_map.get("chips", {})
    sections = [("connector.%s" % number, section) for number, section in pin_map.get("connector", {}).items()]
    if "reader" in pin_map:
        sections.append(("reader", pin_map["reader"]))
    # The external limit's control contact comes last.
    if "limit" in pin_map:
        sections.append(("limit", pin_map["limit"]))
    lines = []
    for name, section in sections:
        for key in (LIMIT_KEYS if name == "limit" else LINE_KEYS):
            if key in section:
                chip = section.get(key + "_chip", default_chip)
                lines.append(("%s.%s" % (name, key), aliases.get(chip, chip), section[key]))
    return lines


def gpio_chips():
    return glob.glob("/dev/gpiochip*")


@pytest.mark.parametrize("path", PIN_MAPS, ids=[os.path.basename(p) for p in PIN_MAPS])
def test_board_check_reports_every_line_of_the_pin_map(path):
    result = subprocess.run([binary(), "board", "check", "--pinmap", path], capture_output=True, text=True, timeout=60)
    reports = [REPORT.match(line) for line in result.stdout.splitlines()]
    assert all(reports), "unreadable report lines:\n%s\nstderr: %s" % (result.stdout, result.stderr)
    expected = expected_lines(path)
    assert [r["key"] for r in reports] == [key for key, _, _ in expected], result.stdout
    for report, (key, chip, offset) in zip(reports, expected):
        assert int(report["offset"]) == offset, report.group(0)
        if report["status"] == "chip not found":
            assert report["chip"] == chip, report.group(0)
    every_ok = all(r["status"] == "ok" for r in reports)
    assert result.returncode == (0 if every_ok else 1), (result.returncode, result.stdout, result.stderr)
    if not gpio_chips():
        assert {r["status"] for r in reports} == {"chip not found"}, result.stdout


def test_board_check_without_a_pin_map_for_a_simulated_board_says_so(tmp_path):
    config = tmp_path / "chargeplex.toml"
    config.write_text('[chargepoint]\nid = "CP"\nvendor = "V"\nmodel = "M"\n[board]\nkind = "sim"\n'
                      '[state]\ndirectory = "%s"\n' % tmp_path)
    result = subprocess.run([binary(), "board", "check", "--config", str(config)], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "no pin map" in result.stderr
