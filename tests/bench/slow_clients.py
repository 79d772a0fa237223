#!/usr/bin/env python3
"""Slow and idle clients against a running loupe-server, and a probe's latency meanwhile.

    slow_clients.py PORT [--slow 1000] [--idle 1000] [--seconds 20] [--probe-from 127.0.0.2]

Opens --slow connections that send a request head a header line every 2 s (never finishing it
within the server's deadline), and --idle connections that make one request and then keep the
connection open doing nothing (reconnecting when the server closes them), all from 127.0.0.1.
Meanwhile a probe client, from another loopback address, searches once every 50 ms on a new
connection. Prints the probe's p50/p99/max latency and failures as JSON. Loopback only; every
connection is closed at the end. Needs `ulimit -n` above slow + idle + 100.
"""
import argparse, asyncio, json, socket, statistics, time, urllib.parse

async def slow_client(port, stop):
    while not stop.is_set():
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"GET /api/health HTTP/1.1\r\nHost: x\r\n")
            i = 0
            while not stop.is_set() and not reader.at_eof():
                writer.write(b"X-Slow-%d: 1\r\n" % i)
                i += 1
                await writer.drain()
                try:
                    await asyncio.wait_for(reader.read(4096), 2.0)
                except asyncio.TimeoutError:
                    pass
            writer.close()
        except (OSError, ConnectionError):
            await asyncio.sleep(0.5)

async def idle_client(port, stop):
    while not stop.is_set():
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n")
            await writer.drain()
            while not stop.is_set():
                data = await reader.read(4096)  # the answer, then nothing until closed
                if not data:
                    break
            writer.close()
        except (OSError, ConnectionError):
            await asyncio.sleep(0.5)

def probe_once(port, source, query):
    s = socket.socket()
    s.settimeout(5)
    s.bind((source, 0))
    t0 = time.monotonic()
    s.connect(("127.0.0.1", port))
    s.sendall(b"GET /api/search?q=%s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" %
              urllib.parse.quote(query).encode())
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    return time.monotonic() - t0, data.startswith(b"HTTP/1.1 200")

async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("--slow", type=int, default=1000)
    ap.add_argument("--idle", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--probe-from", default="127.0.0.2")
    a = ap.parse_args()
    stop = asyncio.Event()
    tasks = [asyncio.create_task(slow_client(a.port, stop)) for _ in range(a.slow)]
    tasks += [asyncio.create_task(idle_client(a.port, stop)) for _ in range(a.idle)]
    await asyncio.sleep(3)  # let them pile up
    latencies, failed = [], 0
    loop = asyncio.get_running_loop()
    end = time.monotonic() + a.seconds
    while time.monotonic() < end:
        try:
            t, ok = await loop.run_in_executor(None, probe_once, a.port, a.probe_from, "karpathy")
            latencies.append(t * 1000)
            failed += not ok
        except OSError:
            failed += 1
        await asyncio.sleep(0.05)
    stop.set()
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    latencies.sort()
    print(json.dumps({
        "probes": len(latencies) + 0, "failed": failed,
        "p50_ms": round(statistics.median(latencies), 2) if latencies else None,
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 2) if latencies else None,
        "max_ms": round(latencies[-1], 2) if latencies else None}))

asyncio.run(main())
