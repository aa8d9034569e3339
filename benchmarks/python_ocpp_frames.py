#!/usr/bin/env python3
"""The Python `ocpp` library doing the same work as Chargeplex's frame
benchmark: unpack the frame, validate its payload against the official
schema, pack it again. Prints one line per frame: `<name> <messages/s>`.

    python_ocpp_frames.py FRAMES_FILE SECONDS

FRAMES_FILE holds lines `<name>\t<frame JSON>`.
"""
import sys
import time

from ocpp.messages import _validate_payload, unpack


def measure(text, seconds):
    count = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(50):
            message = unpack(text)
            _validate_payload(message, "1.6")
            message.to_json()
        count += 50
        now = time.perf_counter()
        if now >= deadline:
            return count / (now - start)


def main():
    path, seconds = sys.argv[1], float(sys.argv[2])
    with open(path) as f:
        for line in f:
            name, text = line.rstrip("\n").split("\t", 1)
            measure(text, 0.2)  # warm the validator cache
            print("%s %.0f" % (name, measure(text, seconds)), flush=True)


if __name__ == "__main__":
    main()
