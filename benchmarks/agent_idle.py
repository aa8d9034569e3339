#!/usr/bin/env python3
"""Resident memory and CPU of the real agent idling with one connection to a
local Central System.

    python3 benchmarks/agent_idle.py PATH_TO_CHARGEPLEX SECONDS
"""
import os, sys, time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "e2e"))
from harness import Agent, CentralSystem
os.environ["CHARGEPLEX_BINARY"] = sys.argv[1]
seconds = int(sys.argv[2])
cs = CentralSystem("home")
agent = Agent([("home", cs.url, "home")], connectors=2, ocpp={"MeterValueSampleInterval": "60", "HeartbeatInterval": "300"}).start()
cs.wait_for_call("StatusNotification", connectorId=2)
pid = agent.process.pid
tick = os.sysconf("SC_CLK_TCK")
def cpu():
    fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / tick
def rss():
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmRSS"): return line.split()[1] + " kB"
c0, t0 = cpu(), time.monotonic()
time.sleep(seconds)
c1, t1 = cpu(), time.monotonic()
print("agent idle with one connection for %d s: CPU %.3f %% of one core, VmRSS %s" % (seconds, 100 * (c1 - c0) / (t1 - t0), rss()))
agent.terminate(); cs.stop()
