#!/usr/bin/env python3
"""A Modbus energy meter for tests and benchmarks, served by pymodbus.

Two personalities:
  * `eastron-sdm630` — an Eastron SDM630 (function 04 input registers, IEEE-754
    float32, high word first): V L1..L3 at 0x0000/2/4, A L1..L3 at 0x0006/8/A,
    total power W at 0x0034, frequency Hz at 0x0046, total import energy kWh at
    0x0048; the serial number at holding register 0xFC00 (uint32).
  * `chargeplex-ocmf` — the same measurement registers plus the OCMF block of
    the chargeplex-ocmf profile (board/meters/chargeplex-ocmf.toml): an
    identification at 0x1000, a command at 0x1010, status 0x1011, data set
    length 0x1012, the data set from 0x1100, the public key (length 0x1500,
    ASCII hex of the DER SubjectPublicKeyInfo from 0x1501) and the serial as
    ASCII at 0x1600. It signs with a secp256r1 key made at start
    (ECDSA-secp256r1-SHA256 over the payload text, signature as hex DER).

The registers move like a charging car: a settable current per phase (0 when
idle), about 230 V with a little variation, power = sum of V·I, about 50 Hz,
and an energy register that integrates the power over real time.

It listens on Modbus TCP (loopback) and on Modbus RTU at one end of a `socat`
pseudo-terminal pair (the client opens the other end). Between the client and
pymodbus sits a small relay that can misbehave on request:
  silent    the meter answers nothing
  crc       answers go out with a broken CRC (RTU only; TCP has no CRC)
  unit N    the meter's address becomes N: requests to any other unit get no answer
and the meter can be reset (energy back to 0) or swapped (new serial, energy
from 0, and for the OCMF meter a new key).

Standalone (for `chargeplex-bench meter` or a look by hand):

    python3 Tests/peers/modbus_meter.py --tcp 15020
    python3 Tests/peers/modbus_meter.py --rtu-link /tmp/meter-tty --current 16
    python3 Tests/peers/modbus_meter.py --tcp 15020 --ocmf

It prints where it listens (`listening tcp 127.0.0.1:15020`, `listening rtu
/tmp/meter-tty`) and then takes commands on standard input, one a line:
`current 16` (or `current 16 16 0` per phase), `fault silent|crc|none` (`fault crc 1`:
only the next answer),
`unit 3`, `reset`, `swap`, `state`, `quit`.

In pytest, `MeterPeer` runs the same meter on an asyncio loop in a thread of
the test process; the test drives `peer.meter` directly.
"""
import argparse
import asyncio
import collections
import datetime
import json
import math
import os
import random
import re
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import tty

from pymodbus import FramerType
from pymodbus.constants import ExcCodes
from pymodbus.server import ModbusTcpServer
from pymodbus.simulator import DataType, SimData, SimDevice

SDM630 = "eastron-sdm630"
OCMF = "chargeplex-ocmf"

# Input registers (function 04) of the SDM630.
VOLTAGE = (0x0000, 0x0002, 0x0004)
CURRENT = (0x0006, 0x0008, 0x000A)
PHASE_POWER = (0x000C, 0x000E, 0x0010)
TOTAL_POWER = 0x0034
FREQUENCY = 0x0046
IMPORT_ENERGY = 0x0048
TOTAL_ENERGY = 0x0156
INPUT_SPAN = 0x0180           # 0x0000..0x017F answer; unmodelled ones read 0
SERIAL = 0xFC00               # holding, uint32

# Holding registers of the chargeplex-ocmf block.
IDENTIFICATION = 0x1000       # 10 registers, 20 ASCII chars
COMMAND = 0x1010
STATUS = 0x1011
LENGTH = 0x1012
DATA = 0x1100
DATA_MAX = 2000               # bytes
KEY_LENGTH = 0x1500
KEY = 0x1501
SERIAL_TEXT = 0x1600          # 16 registers
COMMANDS = {1: "B", 2: "C", 3: "E"}
IDLE, BUSY, READY, FAILED = 0, 1, 2, 3

NOMINAL_VOLTS = 230.0


def float32(value):
    """The value as a float32 holds it."""
    return struct.unpack(">f", struct.pack(">f", value))[0]


def float_registers(value):
    high, low = struct.unpack(">HH", struct.pack(">f", value))
    return [high, low]


def text_registers(text, count):
    """ASCII two bytes a register, high byte first, NUL padded to `count` registers."""
    data = text.encode("ascii")[:count * 2].ljust(count * 2, b"\0")
    return [data[i] << 8 | data[i + 1] for i in range(0, len(data), 2)]


def registers_text(registers):
    data = b"".join(struct.pack(">H", r) for r in registers)
    return data.split(b"\0", 1)[0].decode("ascii", "replace")


def crc16(frame):
    crc = 0xFFFF
    for byte in frame:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def crc_ok(frame):
    return len(frame) >= 4 and crc16(frame[:-2]) == frame[-2] | frame[-1] << 8


class Meter:
    """The meter's state; every method is safe to call from any thread."""

    def __init__(self, personality=SDM630, unit=1, serial=23120417, energy_kwh=1520.0, sign_delay=0.2):
        if personality not in (SDM630, OCMF):
            raise ValueError("unknown meter personality %r" % personality)
        self.personality = personality
        self.lock = threading.RLock()
        self.unit = unit                  # the address it answers to
        self.fault = None                 # None | "silent" | "crc"
        self.fault_left = None            # requests the fault still lasts (None: until cleared)
        self.serial = serial
        self.energy_kwh = float(energy_kwh)
        self.amperes = [0.0, 0.0, 0.0]
        self.started = time.monotonic()
        self.last = self.started
        self.sign_delay = sign_delay
        self.fail_signing = False
        # What went over the wire, for tests to compare with what the agent reports.
        self.served = collections.deque(maxlen=20000)
        self.counts = collections.Counter()
        # OCMF state.
        self.key = None
        self.identification = [0] * 10
        self.transaction_id_tag = None
        self.command = 0
        self.status = IDLE
        self.dataset = b""
        self.datasets = []                # every data set made: (context letter, text)
        self.pagination = 0
        self.resets = 0
        if personality == OCMF:
            self._new_key()

    # Control.

    def set_current(self, *amperes):
        """The car's current: one value for all three phases, or three values."""
        values = list(amperes) * 3 if len(amperes) == 1 else list(amperes)
        if len(values) != 3 or any(not 0 <= a <= 80 for a in values):
            raise ValueError("current: one or three values in 0..80 A")
        with self.lock:
            self._advance()
            self.amperes = [float(a) for a in values]

    def set_fault(self, fault, answers=None):
        """`fault` (silent, crc or None) from now on; with `answers`, only for that
        many requests, then the meter is well again (one broken answer: a retry mends it)."""
        if fault not in (None, "silent", "crc"):
            raise ValueError("fault: silent, crc or none")
        if answers is not None and answers < 1:
            raise ValueError("answers: at least 1")
        with self.lock:
            self.fault = fault
            self.fault_left = answers

    def _fault_for_one(self):
        """The fault that applies to the request now in hand (call with the lock held)."""
        fault = self.fault
        if fault is not None and self.fault_left is not None:
            self.fault_left -= 1
            if self.fault_left <= 0:
                self.fault, self.fault_left = None, None
        return fault

    def set_unit(self, unit):
        if not 1 <= unit <= 247:
            raise ValueError("unit: 1..247")
        with self.lock:
            self.unit = unit

    def reset(self):
        """The energy register starts again from 0 (a meter reset)."""
        with self.lock:
            self._advance()
            self.energy_kwh = 0.0
            self.resets += 1

    def swap(self, serial=None):
        """Another meter in its place: a new serial, energy from 0, a new key."""
        with self.lock:
            self._advance()
            self.serial = serial if serial is not None else self.serial + 1000
            self.energy_kwh = 0.0
            if self.personality == OCMF:
                self._new_key()

    def state(self):
        with self.lock:
            values = self._values()
            return {"unit": self.unit, "fault": self.fault or "none", "serial": self.serial,
                    "energyKWh": values["energyKWh"], "powerW": values["powerW"], "currentA": values["currentA"],
                    "voltageV": values["voltageV"], "frequencyHz": values["frequencyHz"],
                    "counts": dict(self.counts)}

    def energy_wh(self):
        with self.lock:
            self._advance()
            return float32(self.energy_kwh) * 1000.0

    # The physics.

    def _advance(self):
        now = time.monotonic()
        watts = sum(NOMINAL_VOLTS * a for a in self.amperes)
        self.energy_kwh += watts * (now - self.last) / 3_600_000.0
        self.last = now

    def _values(self):
        self._advance()
        t = self.last - self.started
        volts = [NOMINAL_VOLTS + 1.8 * math.sin(t / 5.0 + phase * 2.1) + random.uniform(-0.3, 0.3)
                 for phase in range(3)]
        volts = [float32(v) for v in volts]
        amperes = [float32(a) for a in self.amperes]
        phase_power = [float32(v * a) for v, a in zip(volts, amperes)]
        return {
            "time": time.time(), "voltageV": volts, "currentA": amperes, "phasePowerW": phase_power,
            "powerW": float32(sum(v * a for v, a in zip(volts, amperes))),
            "frequencyHz": float32(50.0 + 0.03 * math.sin(t / 3.0)),
            "energyKWh": float32(self.energy_kwh),
        }

    # Registers, as pymodbus asks for them.

    def read_inputs(self, address, count):
        with self.lock:
            values = self._values()
            table = {}
            for phase in range(3):
                table.update(zip((VOLTAGE[phase], VOLTAGE[phase] + 1), float_registers(values["voltageV"][phase])))
                table.update(zip((CURRENT[phase], CURRENT[phase] + 1), float_registers(values["currentA"][phase])))
                table.update(zip((PHASE_POWER[phase], PHASE_POWER[phase] + 1), float_registers(values["phasePowerW"][phase])))
            for register, value in ((TOTAL_POWER, values["powerW"]), (FREQUENCY, values["frequencyHz"]),
                                    (IMPORT_ENERGY, values["energyKWh"]), (TOTAL_ENERGY, values["energyKWh"])):
                table.update(zip((register, register + 1), float_registers(value)))
            if address < IMPORT_ENERGY + 2 and address + count > 0:
                self.served.append(values)
            return [table.get(address + i, 0) for i in range(count)]

    def read_holding(self, address, count):
        with self.lock:
            table = {SERIAL: self.serial >> 16 & 0xFFFF, SERIAL + 1: self.serial & 0xFFFF}
            if self.personality == OCMF:
                table.update(zip(range(IDENTIFICATION, IDENTIFICATION + 10), self.identification))
                table[COMMAND] = self.command
                table[STATUS] = self.status
                table[LENGTH] = len(self.dataset)
                data = self.dataset + b"\0" * (len(self.dataset) % 2)
                table.update((DATA + i // 2, data[i] << 8 | data[i + 1]) for i in range(0, len(data), 2))
                key = self.public_key_hex().encode("ascii")
                table[KEY_LENGTH] = len(key)
                table.update((KEY + i // 2, key[i] << 8 | key[i + 1]) for i in range(0, len(key), 2))
                table.update(zip(range(SERIAL_TEXT, SERIAL_TEXT + 16), text_registers(str(self.serial), 16)))
            return [table.get(address + i, 0) for i in range(count)]

    def write_holding(self, address, values, loop):
        """None, or the exception code the meter answers with."""
        with self.lock:
            if self.personality != OCMF:
                return ExcCodes.ILLEGAL_ADDRESS
            end = address + len(values)
            if IDENTIFICATION <= address and end <= IDENTIFICATION + 10:
                self.identification[address - IDENTIFICATION:end - IDENTIFICATION] = list(values)
                return None
            if address == COMMAND and len(values) == 1:
                command = values[0]
                if command not in COMMANDS:
                    return ExcCodes.ILLEGAL_VALUE
                if self.status == BUSY:
                    return ExcCodes.DEVICE_BUSY
                self.counts["command " + COMMANDS[command]] += 1
                self.command = command
                self.status = BUSY
                self.dataset = b""
                loop.call_later(self.sign_delay, self._finish, COMMANDS[command])
                return None
            return ExcCodes.ILLEGAL_ADDRESS

    # OCMF.

    def _new_key(self):
        from cryptography.hazmat.primitives.asymmetric import ec
        self.key = ec.generate_private_key(ec.SECP256R1())

    def public_key_hex(self):
        from cryptography.hazmat.primitives import serialization
        with self.lock:
            der = self.key.public_key().public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
            return der.hex().upper()

    def _finish(self, context):
        with self.lock:
            if self.fail_signing:
                self.status = FAILED
                return
            if context == "B":
                self.transaction_id_tag = registers_text(self.identification) or None
            text = self._dataset(context)
            if context == "E":
                self.transaction_id_tag = None
                self.identification = [0] * 10
            self.dataset = text.encode("ascii")
            self.datasets.append((context, text))
            self.status = READY

    def _dataset(self, context):
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec
        values = self._values()
        self.pagination += 1
        id_tag = self.transaction_id_tag
        if id_tag is None:
            kind = "NONE"
        elif re.fullmatch(r"[0-9A-Fa-f]{8}|[0-9A-Fa-f]{14}", id_tag):
            kind = "ISO14443"
        else:
            kind = "LOCAL"
        stamp = datetime.datetime.now(datetime.timezone.utc)
        payload = {
            "FV": "1.0", "GI": "Chargeplex", "GS": "CHARGEPLEX-SIM", "GV": "1",
            "PG": "T%d" % self.pagination,
            "MV": "Chargeplex", "MM": "chargeplex-ocmf test meter", "MS": str(self.serial), "MF": "1.0",
            "IS": id_tag is not None, "IT": kind,
        }
        if id_tag is not None:
            payload["ID"] = id_tag
        payload["RD"] = [{
            "TM": stamp.strftime("%Y-%m-%dT%H:%M:%S,") + "%03d+0000 S" % (stamp.microsecond // 1000),
            "TX": context, "RV": round(values["energyKWh"], 3), "RI": "01-00:01.08.00*FF", "RU": "kWh",
            "RT": "AC", "ST": "G",
        }]
        text = json.dumps(payload, separators=(",", ":"))
        signature = self.key.sign(text.encode("utf-8"), ec.ECDSA(hashes.SHA256()))
        sign = json.dumps({"SA": "ECDSA-secp256r1-SHA256", "SD": signature.hex().upper()}, separators=(",", ":"))
        return "OCMF|%s|%s" % (text, sign)


def device(meter):
    """The pymodbus device: register ranges that answer, values from `meter`."""
    holding = [SimData(SERIAL, count=2, values=0, datatype=DataType.REGISTERS, readonly=True)]
    if meter.personality == OCMF:
        holding += [
            SimData(IDENTIFICATION, count=10, values=0, datatype=DataType.REGISTERS),
            SimData(COMMAND, count=1, values=0, datatype=DataType.REGISTERS),
            SimData(STATUS, count=2, values=0, datatype=DataType.REGISTERS, readonly=True),
            SimData(DATA, count=DATA_MAX // 2, values=0, datatype=DataType.REGISTERS, readonly=True),
            SimData(KEY_LENGTH, count=1 + 128, values=0, datatype=DataType.REGISTERS, readonly=True),
            SimData(SERIAL_TEXT, count=16, values=0, datatype=DataType.REGISTERS, readonly=True),
        ]

    async def action(function_code, start, address, count, registers, set_values):
        if set_values is not None and function_code in (6, 16):
            return meter.write_holding(address, list(set_values), asyncio.get_running_loop())
        if function_code == 4:
            fresh = meter.read_inputs(address, count)
        elif function_code in (3, 6, 16, 23):
            fresh = meter.read_holding(address, count)
        else:
            return ExcCodes.ILLEGAL_FUNCTION
        registers[address - start:address - start + count] = fresh
        return None

    bits = [SimData(0, count=16, values=False, datatype=DataType.BITS)]
    inputs = [SimData(0, count=INPUT_SPAN, values=0, datatype=DataType.REGISTERS, readonly=True)]
    return SimDevice(0, simdata=(list(bits), list(bits), holding, inputs), action=action)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request_length(frame):
    """Length of the RTU request at the start of `frame`, or None while incomplete."""
    if len(frame) < 2:
        return None
    function = frame[1]
    if function in (1, 2, 3, 4, 5, 6):
        return 8
    if function in (15, 16):
        return 9 + frame[6] if len(frame) > 6 else None
    if function == 23:
        return 13 + frame[10] if len(frame) > 10 else None
    return len(frame)


def answer_length(frame):
    """Length of the RTU answer at the start of `frame`, or None while incomplete."""
    if len(frame) < 2:
        return None
    function = frame[1]
    if function & 0x80:
        return 5
    if function in (1, 2, 3, 4, 23):
        return 5 + frame[2] if len(frame) > 2 else None
    if function in (5, 6, 15, 16):
        return 8
    return len(frame)


class Frames:
    """Cuts a byte stream into frames; a pause of more than 3.5 character times
    (taken generously) ends whatever came before, as on a real RS-485 line."""

    GAP = 0.05

    def __init__(self, length):
        self.length = length
        self.buffer = b""
        self.last = 0.0

    def feed(self, data):
        now = time.monotonic()
        if self.buffer and now - self.last > self.GAP:
            self.buffer = b""
        self.last = now
        self.buffer += data
        frames = []
        while self.buffer:
            size = self.length(self.buffer)
            if size is None or size > len(self.buffer):
                break
            frames.append(self.buffer[:size])
            self.buffer = self.buffer[size:]
        return frames


class MeterPeer:
    """The meter served over Modbus TCP and/or RTU from an asyncio loop in a thread."""

    def __init__(self, meter=None, tcp_port=None, rtu_link=None, **meter_options):
        self.meter = meter or Meter(**meter_options)
        self.tcp_wanted = tcp_port
        self.rtu_link = rtu_link
        self.tcp_port = None
        self.loop = None
        self.thread = None
        self.socat = None
        self.servers = []
        self.fds = []
        self.tasks = set()
        self.break_next = 0               # RTU answers still to go out with a broken CRC
        self.ready = threading.Event()
        self.error = None
        self.stopped = None

    # Life.

    def start(self, timeout=20):
        self.thread = threading.Thread(target=self._run, name="modbus-meter", daemon=True)
        self.thread.start()
        if not self.ready.wait(timeout):
            raise RuntimeError("the meter peer did not start within %ss" % timeout)
        if self.error:
            raise RuntimeError("the meter peer did not start: %s" % self.error)
        return self

    def stop(self):
        if self.loop and self.stopped and not self.stopped.done():
            self.loop.call_soon_threadsafe(self.stopped.set_result, None)
        if self.thread:
            self.thread.join(timeout=10)
        if self.socat and self.socat.poll() is None:
            self.socat.terminate()
            self.socat.wait(timeout=10)

    def __enter__(self):
        return self.start()

    def __exit__(self, *_):
        self.stop()

    def _run(self):
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._main())
        except Exception as error:  # reported to start()
            self.error = error
            self.ready.set()
        finally:
            self.loop.close()

    async def _main(self):
        self.stopped = self.loop.create_future()
        if self.tcp_wanted is not None:
            internal = await self._pymodbus(FramerType.SOCKET)
            server = await asyncio.start_server(
                lambda r, w, port=internal: self._tcp_client(r, w, port), "127.0.0.1", self.tcp_wanted)
            self.servers.append(server)
            self.tcp_port = server.sockets[0].getsockname()[1]
        if self.rtu_link is not None:
            await self._rtu(await self._pymodbus(FramerType.RTU))
        self.ready.set()
        try:
            await self.stopped
        finally:
            for server in self.servers:
                server.close()
            for task in list(self.tasks):
                task.cancel()
            await asyncio.gather(*self.tasks, return_exceptions=True)
            for fd in self.fds:
                try:
                    self.loop.remove_reader(fd)
                except Exception:
                    pass
                os.close(fd)

    async def _pymodbus(self, framer):
        """A pymodbus server on an internal loopback port; returns the port."""
        port = free_port()
        server = ModbusTcpServer(device(self.meter), framer=framer, address=("127.0.0.1", port))
        await server.serve_forever(background=True)
        self.servers.append(_Closing(server))
        return port

    # Modbus TCP: MBAP frames from the client, filtered, to pymodbus and back.

    async def _tcp_client(self, reader, writer, internal):
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", internal)
        except OSError:
            writer.close()
            return

        async def answers():
            try:
                while True:
                    data = await upstream_reader.read(4096)
                    if not data:
                        break
                    writer.write(data)
                    await writer.drain()
            except (ConnectionError, OSError):
                pass

        relay = asyncio.ensure_future(answers())
        self.tasks.add(asyncio.current_task())
        try:
            while True:
                header = await reader.readexactly(7)
                length = struct.unpack(">H", header[4:6])[0]
                if not 1 <= length <= 260:
                    break
                body = await reader.readexactly(length - 1)
                if self._admit(header[6], rtu=False):
                    upstream_writer.write(header + body)
                    await upstream_writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, OSError, asyncio.CancelledError):
            # Cancelled at shutdown: ends as a finished connection.
            pass
        finally:
            self.tasks.discard(asyncio.current_task())
            relay.cancel()
            await asyncio.gather(relay, return_exceptions=True)
            upstream_writer.close()
            writer.close()

    def _admit(self, unit, rtu):
        """Whether a request to `unit` reaches the meter (and is counted)."""
        meter = self.meter
        with meter.lock:
            meter.counts["requests"] += 1
            if unit != meter.unit:
                meter.counts["other unit"] += 1
                return False
            fault = meter._fault_for_one()
            if fault == "silent":
                meter.counts["unanswered"] += 1
                return False
            if fault == "crc" and rtu:
                self.break_next += 1
            return True

    # Modbus RTU: a socat pty pair; this end's frames go to pymodbus (RTU framing
    # over an internal TCP connection) and its answers come back, perhaps broken.

    async def _rtu(self, internal):
        link = os.path.abspath(self.rtu_link)
        mine = link + ".meter"
        for path in (link, mine):
            if os.path.islink(path):
                os.unlink(path)
        self.socat = subprocess.Popen(
            ["socat", "pty,raw,echo=0,link=%s" % link, "pty,raw,echo=0,link=%s" % mine],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=_die_with_parent)
        deadline = time.monotonic() + 10
        while not (os.path.exists(link) and os.path.exists(mine)):
            if self.socat.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("socat made no pty pair at %s" % link)
            await asyncio.sleep(0.02)
        fd = os.open(mine, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        tty.setraw(fd)
        self.fds.append(fd)
        # Held open so that the client's end never hangs up on socat between opens.
        self.fds.append(os.open(link, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK))
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", internal)
        requests = Frames(request_length)
        answers = Frames(answer_length)

        def from_client():
            try:
                data = os.read(fd, 4096)
            except BlockingIOError:
                return
            except OSError:
                return
            for frame in requests.feed(data):
                if not crc_ok(frame):
                    self.meter.counts["bad request CRC"] += 1
                    continue
                if self._admit(frame[0], rtu=True):
                    upstream_writer.write(frame)

        self.loop.add_reader(fd, from_client)

        async def to_client():
            while True:
                data = await upstream_reader.read(4096)
                if not data:
                    return
                for frame in answers.feed(data):
                    with self.meter.lock:
                        if self.break_next:
                            self.break_next -= 1
                            frame = frame[:-1] + bytes([frame[-1] ^ 0x5A])
                            self.meter.counts["broken CRC"] += 1
                        self.meter.counts["answers"] += 1
                    os.write(fd, frame)

        self.tasks.add(asyncio.ensure_future(to_client()))
        self.servers.append(_Closing(writer=upstream_writer))


def _die_with_parent():
    """socat ends with the thread that started it, even when this process is killed."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class _Closing:
    """Something to close at the end of the loop."""

    def __init__(self, server=None, task=None, writer=None):
        self.server, self.task, self.writer = server, task, writer

    def close(self):
        if self.server is not None:
            self.server.close()
        if self.task is not None:
            self.task.cancel()
        if self.writer is not None:
            self.writer.close()


def command(meter, line):
    """One line of the standalone control channel; returns the answer line."""
    words = line.split()
    if not words:
        return ""
    try:
        verb, arguments = words[0], words[1:]
        if verb == "current":
            meter.set_current(*map(float, arguments))
        elif verb == "fault":
            meter.set_fault(None if arguments[0] == "none" else arguments[0],
                            int(arguments[1]) if len(arguments) > 1 else None)
        elif verb == "unit":
            meter.set_unit(int(arguments[0]))
        elif verb == "reset":
            meter.reset()
        elif verb == "swap":
            meter.swap()
        elif verb != "state":
            return "error: unknown command %r (current, fault, unit, reset, swap, state, quit)" % verb
        return "ok " + json.dumps(meter.state())
    except (ValueError, IndexError) as error:
        return "error: %s" % error


def main():
    parser = argparse.ArgumentParser(description="A Modbus meter (Eastron SDM630 or chargeplex-ocmf) served by pymodbus.")
    parser.add_argument("--tcp", type=int, metavar="PORT", help="serve Modbus TCP on 127.0.0.1:PORT (0: any free port)")
    parser.add_argument("--rtu-link", metavar="PATH", help="serve Modbus RTU; the client opens the pty at PATH")
    parser.add_argument("--ocmf", action="store_true", help="the chargeplex-ocmf meter (signs OCMF data sets)")
    parser.add_argument("--unit", type=int, default=1, help="the Modbus address (default 1)")
    parser.add_argument("--current", type=float, default=0.0, help="the car's current per phase, A (default 0)")
    parser.add_argument("--energy", type=float, default=1520.0, help="the energy register at start, kWh")
    parser.add_argument("--serial", type=int, default=23120417)
    options = parser.parse_args()
    if options.tcp is None and options.rtu_link is None:
        parser.error("give --tcp PORT and/or --rtu-link PATH")
    meter = Meter(OCMF if options.ocmf else SDM630, unit=options.unit, serial=options.serial, energy_kwh=options.energy)
    meter.set_current(options.current)
    peer = MeterPeer(meter, tcp_port=options.tcp, rtu_link=options.rtu_link).start()
    if peer.tcp_port is not None:
        print("listening tcp 127.0.0.1:%d" % peer.tcp_port, flush=True)
    if options.rtu_link is not None:
        print("listening rtu %s" % os.path.abspath(options.rtu_link), flush=True)
    try:
        for line in sys.stdin:
            if line.strip() == "quit":
                break
            answer = command(meter, line)
            if answer:
                print(answer, flush=True)
        else:
            # Standard input closed (run in the background): serve until killed.
            threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        peer.stop()


if __name__ == "__main__":
    main()
