#!/usr/bin/env python3
"""A scriptable OCPP 1.6J Central System for end-to-end tests of a charge point.

Built on the `ocpp` package (schema validation, message routing) over `websockets`.
It talks to its test through JSON lines: events on stdout, commands on stdin.

Start:
    central_system.py [--port N] [--password PW] [--tls-cert F --tls-key F]
                      [--tls-client-ca F [--tls-client-optional]] [--no-subprotocol] [--boot-status S]
                      [--transaction-id-base N] [--ledger FILE]

Events (stdout, one JSON object per line, flushed):
    {"event":"listening","port":N,"tls":bool}        ready; first line
    {"event":"connected","chargePointId":..,"path":..,"subprotocol":..,"authorization":"basic"|"none",
     "clientSerial":..}                              (path: the request target the charge point asked for;
                                                     clientSerial: the serial number of the client
                                                     certificate it presented, or null)
    {"event":"refused","chargePointId":..,"status":401,"reason":..}   handshake refused
    {"event":"call","id":..,"action":..,"payload":{..}}  a CALL from the charge point
    {"event":"invalid","id":..,"action":..,"error":{"code":..,"description":..}}
                                                     a CALL that failed schema validation
                                                     (the CALLERROR was sent back)
    {"event":"transactionId","id":..,"transactionId":N,"repeat":bool,"payload":{..}}
                                                     the id given in answer to StartTransaction
                                                     `id` (payload: that StartTransaction); a
                                                     repeat is a StartTransaction identical to one
                                                     answered before, redelivered at least once,
                                                     and gets the same id again
    {"event":"callResult","id":..,"payload":{..}}    an answer from the charge point
    {"event":"callError","id":..,"code":..,"description":..}
    {"event":"unparsable","text":..,"error":..}      a message that is not OCPP-J
    {"event":"answer","action":..,"id":..,"payload":{..}}     result of a "send" command;
        or with "error":{"code":..,"description":..}, or "timeout":true instead of
        "payload"; "invalid":".." when the answer failed schema validation
    {"event":"disconnected","chargePointId":..,"code":..,"reason":..}
    {"event":"pong","data":..,"latency":s}           the answer to a "ping" command
    {"event":"done","command":..}                    a non-"send" command took effect
    {"event":"error","message":..}                   a command could not be run

Commands (stdin, one JSON object per line; "to" picks the charge point by id, default
the one that connected last):
    {"send":"RemoteStartTransaction","payload":{..}[,"validate":false][,"timeout":s][,"id":..]}
    {"fail":"MeterValues","times":n[,"code":"InternalError"][,"description":..]}
        answer the next n CALLs of that action with a CALLERROR
    {"ignore":"Heartbeat","times":n}   leave the next n CALLs of that action unanswered
    {"raw":"<text>"}                   send a text frame as it is
    {"fragments":["<a>","<b>",..]}     send one text message in several frames
    {"ping":"<text>"}                  ping; {"event":"pong","data":..} when answered
    {"deaf":true}                      stop reading from the socket (no more pongs)
    {"binary":"<hex>"}                 send a binary frame
    {"bytes":"<hex>"[,"abort":true]}   write bytes under the WebSocket layer, then maybe
                                       drop the TCP connection
    {"close":1000[,"reason":..]}       close handshake
    {"abort":true}                     drop the TCP connection without closing
    {"password":"<text>"}              from now on require this Basic auth password
    {"verdict":"<idTag>","status":"Blocked"}  answer Authorize and StartTransaction for this
                                       idTag with that status (default Accepted)
    {"echo":<any>}                     answers {"event":"done","command":"echo","echo":<any>}: every
                                       event printed before it was printed before this one
    {"stop":true}                      exit

The process also exits when stdin closes or its parent process goes away, so a crashed
or killed test leaves nothing behind.

Transactions: like a real Central System, this one keeps the transactions it handed out
(in memory, or in the --ledger file so that a restarted server remembers them). A
StartTransaction identical to one already answered (the same connectorId, idTag,
meterStart, timestamp and reservationId: a redelivery after the charge point lost the
answer) gets the same transactionId again; any other gets the next free id.
"""

import os

# Taken before the slow imports below, so a test that dies while we start is still noticed.
PARENT = os.getppid()

import argparse
import asyncio
import base64
import binascii
import http
import json
import logging
import ssl
import sys
import urllib.parse
import uuid
from datetime import datetime, timezone

import ocpp.messages
import websockets
from ocpp.exceptions import OCPPError
from ocpp.messages import Call, MessageType, unpack, validate_payload
from ocpp.routing import on
from ocpp.v16 import ChargePoint as OcppChargePoint
from ocpp.v16.enums import Action

# Validation in a thread pool only adds latency here.
ocpp.messages.ASYNC_VALIDATION = False


def emit(event, **fields):
    print(json.dumps({"event": event, **fields}, separators=(",", ":")), flush=True)


def now():
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


class Script:
    """Misbehaviour asked for by the test: per action, how many CALLs to fail or ignore."""

    def __init__(self):
        self.failures = {}
        self.ignores = {}
        self.verdicts = {}

    def verdict(self, id_tag):
        return {"status": self.verdicts.get((id_tag or "").upper(), "Accepted")}

    def take(self, table, action):
        entry = table.get(action)
        if not entry or entry["times"] <= 0:
            return None
        entry["times"] -= 1
        return entry


class Transactions:
    """The transactionIds handed out, by the StartTransaction they answered; kept in a
    file of JSON lines when one is given, so that a restarted server carries on."""

    def __init__(self, base, path=None):
        self.given = {}
        self.next_id = base
        self.path = path
        if path and os.path.exists(path):
            with open(path) as f:
                for line in f:
                    try:
                        entry = json.loads(line)
                    except ValueError:
                        continue  # a line cut short by a kill
                    self.given[entry["key"]] = entry["transactionId"]
                    self.next_id = max(self.next_id, entry["transactionId"] + 1)

    @staticmethod
    def key(payload):
        return json.dumps([payload.get(name) for name in
                           ("connectorId", "idTag", "meterStart", "timestamp", "reservationId")])

    def transaction_id(self, payload):
        """The id for this StartTransaction, and whether it was given before."""
        key = self.key(payload)
        if key in self.given:
            return self.given[key], True
        transaction_id = self.next_id
        self.next_id += 1
        self.given[key] = transaction_id
        if self.path:
            with open(self.path, "a") as f:
                f.write(json.dumps({"key": key, "transactionId": transaction_id}) + "\n")
        return transaction_id, False


class CentralSystemSide(OcppChargePoint):
    """One charge point's connection, seen from the Central System."""

    def __init__(self, charge_point_id, connection, options, script, transactions):
        super().__init__(charge_point_id, connection, response_timeout=30)
        self.options = options
        self.script = script
        self.transactions = transactions

    async def route_message(self, raw_msg):
        try:
            msg = unpack(raw_msg)
        except OCPPError as error:
            emit("unparsable", text=str(raw_msg)[:500], error=str(error))
            return
        if msg.message_type_id == MessageType.CallResult:
            emit("callResult", id=msg.unique_id, payload=msg.payload)
        elif msg.message_type_id == MessageType.CallError:
            emit("callError", id=msg.unique_id, code=msg.error_code, description=msg.error_description)
        if msg.message_type_id != MessageType.Call:
            await super().route_message(raw_msg)
            return

        emit("call", id=msg.unique_id, action=msg.action, payload=msg.payload)
        try:
            await validate_payload(msg, self._ocpp_version)
        except OCPPError as error:
            emit("invalid", id=msg.unique_id, action=msg.action,
                 error={"code": error.code, "description": error.description})
            await self._send(msg.create_call_error(error).to_json())
            return
        if self.script.take(self.script.ignores, msg.action):
            return
        failure = self.script.take(self.script.failures, msg.action)
        if failure:
            error = OCPPError(failure.get("description", "scripted failure"))
            error.code = failure.get("code", "InternalError")
            await self._send(msg.create_call_error(error).to_json())
            return
        # Schema checked above; the handlers skip the library's own second pass.
        await super().route_message(raw_msg)

    async def send_call(self, action, payload, validate=True, timeout=30, unique_id=None):
        """Sends any CALL, even one the library has no dataclass for or that is invalid."""
        call = Call(unique_id=unique_id or str(uuid.uuid4()), action=action, payload=payload)
        if validate:
            await validate_payload(call, self._ocpp_version)
        async with self._call_lock:
            await self._send(call.to_json())
            try:
                response = await self._get_specific_response(call.unique_id, timeout)
            except asyncio.TimeoutError:
                emit("answer", action=action, id=call.unique_id, timeout=True)
                return
        if response.message_type_id == MessageType.CallError:
            emit("answer", action=action, id=call.unique_id,
                 error={"code": response.error_code, "description": response.error_description})
            return
        fields = {}
        try:
            response.action = action
            await validate_payload(response, self._ocpp_version)
        except OCPPError as error:
            fields["invalid"] = str(error)
        emit("answer", action=action, id=call.unique_id, payload=response.payload, **fields)

    @on(Action.boot_notification, skip_schema_validation=True)
    def on_boot_notification(self, **_):
        return ocpp.v16.call_result.BootNotification(
            current_time=now(), interval=self.options.heartbeat_interval, status=self.options.boot_status)

    @on(Action.sign_certificate, skip_schema_validation=True)
    def on_sign_certificate(self, **_):
        # The test signs the request itself and sends CertificateSigned.
        return ocpp.v16.call_result.SignCertificate(status="Accepted")

    @on(Action.heartbeat, skip_schema_validation=True)
    def on_heartbeat(self, **_):
        return ocpp.v16.call_result.Heartbeat(current_time=now())

    @on(Action.status_notification, skip_schema_validation=True)
    def on_status_notification(self, **_):
        return ocpp.v16.call_result.StatusNotification()

    @on(Action.authorize, skip_schema_validation=True)
    def on_authorize(self, id_tag, **_):
        return ocpp.v16.call_result.Authorize(id_tag_info=self.script.verdict(id_tag))

    @on(Action.start_transaction, skip_schema_validation=True)
    def on_start_transaction(self, id_tag, call_unique_id, connector_id, meter_start, timestamp,
                             reservation_id=None, **_):
        payload = {"connectorId": connector_id, "idTag": id_tag, "meterStart": meter_start,
                   "timestamp": timestamp, "reservationId": reservation_id}
        transaction_id, repeat = self.transactions.transaction_id(payload)
        emit("transactionId", id=call_unique_id, transactionId=transaction_id, repeat=repeat,
             payload={k: v for k, v in payload.items() if v is not None})
        return ocpp.v16.call_result.StartTransaction(
            transaction_id=transaction_id, id_tag_info=self.script.verdict(id_tag))

    @on(Action.stop_transaction, skip_schema_validation=True)
    def on_stop_transaction(self, **_):
        return ocpp.v16.call_result.StopTransaction(id_tag_info={"status": "Accepted"})

    @on(Action.meter_values, skip_schema_validation=True)
    def on_meter_values(self, **_):
        return ocpp.v16.call_result.MeterValues()

    @on(Action.data_transfer, skip_schema_validation=True)
    def on_data_transfer(self, **_):
        return ocpp.v16.call_result.DataTransfer(status="Accepted")

    @on(Action.diagnostics_status_notification, skip_schema_validation=True)
    def on_diagnostics_status_notification(self, **_):
        return ocpp.v16.call_result.DiagnosticsStatusNotification()

    @on(Action.signed_firmware_status_notification, skip_schema_validation=True)
    def on_signed_firmware_status_notification(self, **_):
        return ocpp.v16.call_result.SignedFirmwareStatusNotification()

    @on(Action.firmware_status_notification, skip_schema_validation=True)
    def on_firmware_status_notification(self, **_):
        return ocpp.v16.call_result.FirmwareStatusNotification()

    @on(Action.security_event_notification, skip_schema_validation=True)
    def on_security_event_notification(self, **_):
        return ocpp.v16.call_result.SecurityEventNotification()

    @on(Action.signed_firmware_status_notification, skip_schema_validation=True)
    def on_signed_firmware_status_notification(self, **_):
        return ocpp.v16.call_result.SignedFirmwareStatusNotification()

    @on(Action.log_status_notification, skip_schema_validation=True)
    def on_log_status_notification(self, **_):
        return ocpp.v16.call_result.LogStatusNotification()


class CentralSystem:
    def __init__(self, options):
        self.options = options
        self.script = Script()
        self.transactions = Transactions(options.transaction_id_base, options.ledger)
        self.sides = {}
        self.latest = None

    @staticmethod
    def charge_point_id(path):
        return urllib.parse.unquote(path.split("?")[0].rstrip("/").rsplit("/", 1)[-1])

    @staticmethod
    def client_serial(connection):
        """The serial number of the client certificate the charge point presented, if any."""
        tls = connection.transport.get_extra_info("ssl_object")
        certificate = tls.getpeercert() if tls is not None else None
        return certificate.get("serialNumber") if certificate else None

    def process_request(self, connection, request):
        if self.options.password is None:
            return None
        # A client certificate the server checked authenticates the charge point (profile 3).
        if self.client_serial(connection):
            return None
        identity = self.charge_point_id(request.path)
        header = request.headers.get("Authorization", "")
        accepted = False
        if header.startswith("Basic "):
            try:
                user, _, password = base64.b64decode(header[6:]).decode().partition(":")
                accepted = user == identity and password == self.options.password
            except (binascii.Error, UnicodeDecodeError):
                pass
        if accepted:
            return None
        reason = "wrong credentials" if header else "no credentials"
        emit("refused", chargePointId=identity, status=401, reason=reason)
        return connection.respond(http.HTTPStatus.UNAUTHORIZED, reason + "\n")

    async def handle(self, connection):
        identity = self.charge_point_id(connection.request.path)
        side = CentralSystemSide(identity, connection, self.options, self.script, self.transactions)
        self.sides[identity] = side
        self.latest = identity
        emit("connected", chargePointId=identity, path=connection.request.path, subprotocol=connection.subprotocol,
             authorization="basic" if "Authorization" in connection.request.headers else "none",
             clientSerial=self.client_serial(connection))
        try:
            await side.start()
        except websockets.ConnectionClosed:
            pass
        finally:
            if self.sides.get(identity) is side:
                del self.sides[identity]
            emit("disconnected", chargePointId=identity, code=connection.close_code,
                 reason=connection.close_reason)

    async def command(self, line):
        request = json.loads(line)
        if request.get("stop"):
            emit("done", command="stop")
            raise SystemExit(0)
        if "echo" in request:
            return emit("done", command="echo", echo=request["echo"])
        if "fail" in request:
            self.script.failures[request["fail"]] = dict(request, times=request.get("times", 1))
            return emit("done", command="fail")
        if "ignore" in request:
            self.script.ignores[request["ignore"]] = {"times": request.get("times", 1)}
            return emit("done", command="ignore")
        if "password" in request:
            self.options.password = request["password"]
            return emit("done", command="password")
        if "verdict" in request:
            self.script.verdicts[request["verdict"].upper()] = request.get("status", "Accepted")
            return emit("done", command="verdict")
        side = self.sides.get(request.get("to", self.latest))
        if side is None:
            return emit("error", message="no charge point connected")
        connection = side._connection
        if "send" in request:
            asyncio.ensure_future(side.send_call(
                request["send"], request.get("payload", {}), request.get("validate", True),
                request.get("timeout", 30), request.get("id")))
            return
        if "raw" in request:
            await connection.send(request["raw"])
            return emit("done", command="raw")
        if "fragments" in request:
            await connection.send(list(request["fragments"]))
            return emit("done", command="fragments")
        if "ping" in request:
            waiter = await connection.ping(request["ping"].encode())
            emit("done", command="ping")

            async def pong():
                latency = await waiter
                emit("pong", data=request["ping"], latency=latency)
            asyncio.ensure_future(pong())
            return
        if request.get("deaf"):
            connection.transport.pause_reading()
            return emit("done", command="deaf")
        if "binary" in request:
            await connection.send(bytes.fromhex(request["binary"]))
            return emit("done", command="binary")
        if "bytes" in request:
            connection.transport.write(bytes.fromhex(request["bytes"]))
            if request.get("abort"):
                connection.transport.abort()
            return emit("done", command="bytes")
        if "close" in request:
            await connection.close(request["close"], request.get("reason", ""))
            return emit("done", command="close")
        if request.get("abort"):
            connection.transport.abort()
            return emit("done", command="abort")
        emit("error", message="unknown command: " + line.strip())

    async def read_commands(self):
        reader = asyncio.StreamReader()
        loop = asyncio.get_running_loop()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        while line := await reader.readline():
            if not line.strip():
                continue
            try:
                await self.command(line.decode())
            except (ValueError, KeyError, TypeError, OCPPError, websockets.WebSocketException) as error:
                emit("error", message=f"{type(error).__name__}: {error}")

    async def run(self):
        tls = None
        if self.options.tls_cert:
            tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            tls.load_cert_chain(self.options.tls_cert, self.options.tls_key)
            if self.options.tls_client_ca:
                tls.verify_mode = ssl.CERT_OPTIONAL if self.options.tls_client_optional else ssl.CERT_REQUIRED
                tls.load_verify_locations(self.options.tls_client_ca)
        server = await websockets.serve(
            self.handle, self.options.host, self.options.port, ssl=tls,
            subprotocols=None if self.options.no_subprotocol else ["ocpp1.6"],
            process_request=self.process_request, ping_interval=self.options.ping_interval,
            max_size=self.options.max_size)
        port = server.sockets[0].getsockname()[1]
        emit("listening", port=port, tls=tls is not None)
        asyncio.ensure_future(watch_parent())
        await self.read_commands()


async def watch_parent():
    """Exits once reparented: the test that started us is gone, even if a sibling process
    still holds our stdin open."""
    while True:
        if os.getppid() != PARENT:
            os._exit(0)
        await asyncio.sleep(1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--password", help="require Basic auth: user = charge point id, this password")
    parser.add_argument("--tls-cert", help="PEM certificate chain of the server")
    parser.add_argument("--tls-key", help="PEM key of the server")
    parser.add_argument("--tls-client-ca", help="require client certificates issued by this CA")
    parser.add_argument("--tls-client-optional", action="store_true",
                        help="with --tls-client-ca: a client certificate may be left out (then --password counts)")
    parser.add_argument("--no-subprotocol", action="store_true", help="do not accept ocpp1.6")
    parser.add_argument("--boot-status", default="Accepted", choices=["Accepted", "Pending", "Rejected"])
    parser.add_argument("--heartbeat-interval", type=int, default=300)
    parser.add_argument("--transaction-id-base", type=int, default=1,
                        help="first transactionId handed out (tell several Central Systems apart)")
    parser.add_argument("--ledger", help="file that keeps the transactions handed out across restarts")
    parser.add_argument("--ping-interval", type=float, default=None, help="server pings, seconds")
    parser.add_argument("--max-size", type=int, default=1 << 20, help="largest incoming message")
    parser.add_argument("--verbose", action="store_true", help="library logs on stderr")
    options = parser.parse_args()
    logging.basicConfig(level=logging.INFO if options.verbose else logging.CRITICAL)
    try:
        asyncio.run(CentralSystem(options).run())
    except (KeyboardInterrupt, SystemExit):
        pass


if __name__ == "__main__":
    main()
