// Opens a GPIOBoard from a pin map, prints every board event as a line and
// carries out commands read from stdin. Used on real kernel GPIO by
// scripts/gpio-vm-test, and by anything that wants to drive the board from
// a script: the lines are those of BoardLineProtocol.swift.
//
//   chargeplex-gpio-probe PINMAP [--initial-wh CONNECTOR=WH]... [--trace-edges]
//   chargeplex-gpio-probe PINMAP --check
//
// stdout, one line each:
//   ready connectors=N libgpiod=VERSION   (the library in use, e.g. 1.6.3 or 2.2.1)
//   event <event line>          e.g. event card connector=- idTag=04A1B2
//   log <level> <text>
//   ok <command> | error <why>
// stdin: a command line (relay 1 on, indicate - idle, limit 1 16), or
//   safe   open every relay
//   quit   close the board and exit (end of input does the same)
// SIGTERM and SIGINT open every relay before the process ends.

import Board
#if canImport(Glibc)
import Glibc
#endif

/// One write per line, so lines from the event task and the command loop
/// never interleave, and nothing waits in a stdio buffer.
@Sendable func emit(_ line: String) {
    var bytes = Array((line + "\n").utf8)
    bytes.withUnsafeMutableBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let written = write(1, buffer.baseAddress! + offset, buffer.count - offset)
            if written <= 0 { if errno == EINTR { continue } else { return } }
            offset += written
        }
    }
}

func fail(_ message: String) -> Never {
    emit("error \(message)")
    exit(2)
}

var arguments = CommandLine.arguments.dropFirst()
guard let path = arguments.popFirst(), !path.hasPrefix("-") else {
    fail("usage: chargeplex-gpio-probe PINMAP [--initial-wh CONNECTOR=WH]... [--trace-edges] | PINMAP --check")
}
var initialWattHours: [Int: Int64] = [:]
var traceEdges = false
var checkOnly = false
while let argument = arguments.popFirst() {
    switch argument {
    case "--initial-wh":
        let parts = arguments.popFirst()?.split(separator: "=") ?? []
        guard parts.count == 2, let connector = Int(parts[0]), let wattHours = Int64(parts[1]) else {
            fail("--initial-wh takes CONNECTOR=WH")
        }
        initialWattHours[connector] = wattHours
    case "--trace-edges": traceEdges = true
    case "--check": checkOnly = true
    default: fail("unknown option \(argument)")
    }
}

let pinMap: PinMap
do {
    pinMap = try PinMap.load(path: path)
} catch {
    fail("\(error)")
}

if checkOnly {
    let reports = GPIOBoard.checkLines(pinMap: pinMap)
    for report in reports { emit("check \(report)") }
    exit(reports.allSatisfy(\.isOK) ? 0 : 1)
}

let board: GPIOBoard
do {
    board = try GPIOBoard(pinMap: pinMap, initialWattHours: initialWattHours, traceEdges: traceEdges) { level, text in
        emit("log \(level.rawValue) \(text)")
    }
} catch {
    fail("\(error)")
}
board.openRelaysOnSignals()

let printer = Task.detached {
    for await event in board.events { emit("event \(event.line)") }
}
emit("ready connectors=\(board.connectorCount) libgpiod=\(Libgpiod.version)")

input: while let line = readLine() {
    let command = line.trimmingCharacters(in: " \t\r")
    switch command {
    case "":
        continue
    case "quit":
        break input
    case "safe":
        board.makeSafe()
        emit("ok safe")
    default:
        if let parsed = BoardCommand(line: command) {
            board.perform(parsed)
            emit("ok \(parsed.line)")
        } else {
            emit("error unknown command: \(command)")
        }
    }
}
board.close()
await printer.value

extension String {
    func trimmingCharacters(in set: String) -> String {
        let kept = drop { set.contains($0) }
        return String(kept.reversed().drop { set.contains($0) }.reversed())
    }
}
