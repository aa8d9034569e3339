"""The Modbus meter peer itself (Tests/peers/modbus_meter.py), checked with
pymodbus's own client over TCP, with raw RTU frames over its socat pty, and
with pyocmf for the signed data sets: the meter the agent is tested against
behaves as the tests say it does."""
import os
import select
import struct
import sys
import tempfile
import time
import tty

import pytest
from pymodbus.client import ModbusTcpClient
from pymodbus.exceptions import ModbusIOException
from pyocmf import OCMF as OcmfRecord

from harness import ROOT, wait_until

sys.path.insert(0, os.path.join(ROOT, "Tests", "peers"))
import modbus_meter  # noqa: E402
from modbus_meter import MeterPeer, crc16, crc_ok, registers_text, text_registers  # noqa: E402


@pytest.fixture
def link():
    directory = tempfile.mkdtemp(prefix="chargeplex-meter-")
    yield os.path.join(directory, "tty")


@pytest.fixture
def sdm630(link):
    with MeterPeer(tcp_port=0, rtu_link=link, energy_kwh=1520.0) as peer:
        yield peer


@pytest.fixture
def ocmf():
    with MeterPeer(tcp_port=0, personality=modbus_meter.OCMF, energy_kwh=88.0) as peer:
        yield peer


def client(peer, timeout=1.0):
    c = ModbusTcpClient("127.0.0.1", port=peer.tcp_port, timeout=timeout, retries=0)
    assert c.connect()
    return c


def floats(registers):
    return [struct.unpack(">f", struct.pack(">HH", registers[i], registers[i + 1]))[0]
            for i in range(0, len(registers), 2)]


def measurements(c, unit=1):
    answer = c.read_input_registers(0, count=0x4A, device_id=unit)
    assert not answer.isError(), answer
    values = floats(answer.registers)
    return {"voltage": values[0:3], "current": values[3:6], "power": values[0x34 // 2],
            "frequency": values[0x46 // 2], "energy": values[0x48 // 2]}


class RtuLine:
    """The client's end of the pty pair, spoken to in raw RTU frames."""

    def __init__(self, path):
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(self.fd)

    def close(self):
        os.close(self.fd)

    def ask(self, unit, function, address, count, expected, timeout=1.0):
        """Sends one request; returns the answer bytes (b"" when none came in time)."""
        body = struct.pack(">BBHH", unit, function, address, count)
        crc = crc16(body)
        os.write(self.fd, body + bytes([crc & 0xFF, crc >> 8]))
        answer = b""
        deadline = time.monotonic() + timeout
        while len(answer) < expected:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self.fd], [], [], remaining)[0]:
                break
            answer += os.read(self.fd, 512)
        return answer


def read_signed(c, context, id_tag=None, unit=1):
    """The signed reading flow of the chargeplex-ocmf profile, as a poller does it."""
    if id_tag is not None:
        assert not c.write_registers(0x1000, text_registers(id_tag, 10), device_id=unit).isError()
    assert not c.write_register(0x1010, {"B": 1, "C": 2, "E": 3}[context], device_id=unit).isError()
    status = wait_until(lambda: (lambda r: r if r[0] in (2, 3) else None)(
        c.read_holding_registers(0x1011, count=2, device_id=unit).registers), 3, "the data set ready")
    assert status[0] == 2
    length = status[1]
    words = (length + 1) // 2
    data = []
    for offset in range(0, words, 125):
        data += c.read_holding_registers(0x1100 + offset, count=min(125, words - offset), device_id=unit).registers
    return b"".join(struct.pack(">H", w) for w in data)[:length].decode("ascii")


def public_key(c, unit=1):
    registers = c.read_holding_registers(0x1500, count=92, device_id=unit).registers
    return registers_text(registers[1:])[:registers[0]]


def test_registers_move_like_a_charging_car(sdm630):
    c = client(sdm630)
    try:
        idle = measurements(c)
        assert idle["current"] == [0.0, 0.0, 0.0] and idle["power"] == 0.0
        assert all(225 < v < 235 for v in idle["voltage"])
        assert 49.9 < idle["frequency"] < 50.1
        assert idle["energy"] == pytest.approx(1520.0, abs=0.001)
        serial = c.read_holding_registers(0xFC00, count=2, device_id=1).registers
        assert serial[0] << 16 | serial[1] == 23120417
        sdm630.meter.set_current(16)
        charging = measurements(c)
        assert charging["current"] == [16.0, 16.0, 16.0]
        assert charging["power"] == pytest.approx(sum(v * 16 for v in charging["voltage"]), rel=0.001)
        # 11 kW: the register climbs by a few Wh each second.
        wait_until(lambda: measurements(c)["energy"] > charging["energy"] + 0.002, 10, "the energy register climbing")
        sdm630.meter.set_current(0)
        stopped = measurements(c)["energy"]
        assert measurements(c)["energy"] == pytest.approx(stopped, abs=0.0002)
    finally:
        c.close()


def test_rtu_frames_over_the_pty_carry_the_same_registers(sdm630):
    line = RtuLine(sdm630.rtu_link)
    try:
        sdm630.meter.set_current(10, 0, 0)
        answer = line.ask(1, 4, 0x0006, 6, expected=5 + 12)
        assert crc_ok(answer) and answer[:3] == bytes([1, 4, 12])
        assert floats(struct.unpack(">6H", answer[3:15])) == [10.0, 0.0, 0.0]
        answer = line.ask(1, 3, 0xFC00, 2, expected=9)
        assert crc_ok(answer) and struct.unpack(">I", answer[3:7])[0] == 23120417
        # An address the meter does not have is a Modbus exception, not silence.
        answer = line.ask(1, 4, 0x0400, 2, expected=5)
        assert crc_ok(answer) and answer[1] == 0x84 and answer[2] == 2
    finally:
        line.close()


def test_a_silent_meter_answers_nothing_then_answers_again(sdm630):
    c = client(sdm630, timeout=0.5)
    line = RtuLine(sdm630.rtu_link)
    try:
        sdm630.meter.set_fault("silent")
        with pytest.raises(ModbusIOException):
            c.read_input_registers(0, count=2, device_id=1)
        assert line.ask(1, 4, 0, 2, expected=9, timeout=0.5) == b""
        sdm630.meter.set_fault(None)
        assert crc_ok(line.ask(1, 4, 0, 2, expected=9))
        c.close()
        c = client(sdm630)
        assert measurements(c)["voltage"][0] > 200
    finally:
        c.close()
        line.close()


def test_crc_errors_break_every_answer_until_cleared(sdm630):
    line = RtuLine(sdm630.rtu_link)
    try:
        sdm630.meter.set_fault("crc")
        for _ in range(3):
            answer = line.ask(1, 4, 0x0048, 2, expected=9)
            assert len(answer) == 9 and answer[:3] == bytes([1, 4, 4]) and not crc_ok(answer)
        assert sdm630.meter.counts["broken CRC"] == 3
        sdm630.meter.set_fault(None)
        assert crc_ok(line.ask(1, 4, 0x0048, 2, expected=9))
    finally:
        line.close()


def test_one_broken_answer_then_good_ones_as_a_retry_needs(sdm630):
    line = RtuLine(sdm630.rtu_link)
    try:
        sdm630.meter.set_fault("crc", answers=1)
        assert not crc_ok(line.ask(1, 4, 0x0048, 2, expected=9))
        assert crc_ok(line.ask(1, 4, 0x0048, 2, expected=9))
        assert sdm630.meter.counts["broken CRC"] == 1 and sdm630.meter.state()["fault"] == "none"
    finally:
        line.close()


def test_a_meter_at_another_address_ignores_requests_to_the_configured_one(sdm630):
    sdm630.meter.set_unit(7)
    c = client(sdm630, timeout=0.5)
    line = RtuLine(sdm630.rtu_link)
    try:
        with pytest.raises(ModbusIOException):
            c.read_input_registers(0, count=2, device_id=1)
        assert line.ask(1, 4, 0, 2, expected=9, timeout=0.5) == b""
        assert crc_ok(line.ask(7, 4, 0, 2, expected=9))
        c.close()
        c = client(sdm630)
        assert measurements(c, unit=7)["frequency"] > 49
        assert sdm630.meter.counts["other unit"] == 2
    finally:
        c.close()
        line.close()


def test_reset_and_swap_start_the_energy_register_from_zero(sdm630):
    c = client(sdm630)
    try:
        assert measurements(c)["energy"] > 1000
        sdm630.meter.reset()
        assert measurements(c)["energy"] < 0.01
        sdm630.meter.set_current(16)
        wait_until(lambda: measurements(c)["energy"] > 0.001, 10, "energy counting again after the reset")
        sdm630.meter.swap()
        assert measurements(c)["energy"] < 0.001
        serial = c.read_holding_registers(0xFC00, count=2, device_id=1).registers
        assert serial[0] << 16 | serial[1] == 23120417 + 1000
    finally:
        c.close()


def test_the_ocmf_meter_signs_data_sets_that_pyocmf_verifies(ocmf):
    c = client(ocmf)
    try:
        key = public_key(c)
        assert len(key) == 182 and key == ocmf.meter.public_key_hex()
        serial = registers_text(c.read_holding_registers(0x1600, count=16, device_id=1).registers)
        assert serial == "23120417"
        ocmf.meter.set_current(16)
        begin = read_signed(c, "B", id_tag="04A2B3C4")
        wait_until(lambda: measurements(c)["energy"] > 88.001, 10, "energy counting")
        sample = read_signed(c, "C")
        end = read_signed(c, "E")
        records = [OcmfRecord.from_string(text, strict=True) for text in (begin, sample, end)]
        assert [r.payload.RD[0].TX for r in records] == ["B", "C", "E"]
        assert all(r.payload.ID == "04A2B3C4" and r.payload.IS is True for r in records)
        assert records[0].payload.IT == "ISO14443" and records[0].payload.MS == "23120417"
        assert records[0].payload.RD[0].RV < records[2].payload.RD[0].RV
        assert all(r.verify_signature(key) for r in records)
        # One digit of the reading changed on the way: the signature no longer fits.
        altered = end.replace('"RV":8', '"RV":9', 1)
        assert altered != end
        assert OcmfRecord.from_string(altered, strict=True).verify_signature(key) is False
        # A swapped meter has a key of its own: the old data sets fail with it.
        ocmf.meter.swap()
        new_key = public_key(c)
        assert new_key != key
        assert OcmfRecord.from_string(begin).verify_signature(new_key) is False
    finally:
        c.close()


def test_the_ocmf_meter_refuses_a_bad_command_and_reports_a_failed_signing(ocmf):
    c = client(ocmf)
    try:
        answer = c.write_register(0x1010, 9, device_id=1)
        assert answer.isError() and answer.exception_code == 3
        # The measurement registers are read-only.
        assert c.write_register(0x0000, 1, device_id=1).isError()
        ocmf.meter.fail_signing = True
        assert not c.write_register(0x1010, 2, device_id=1).isError()
        status = wait_until(lambda: (lambda s: s if s != 1 else None)(
            c.read_holding_registers(0x1011, count=1, device_id=1).registers[0]), 3, "signing finished")
        assert status == 3
    finally:
        c.close()
