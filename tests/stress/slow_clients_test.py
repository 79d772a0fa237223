#!/usr/bin/env python3
"""Slow and idle clients against the real loupe-server (ctest label "attack"; loopback only).

    slow_clients_test.py --index LOUPE_INDEX --server LOUPE_SERVER --seeds DIR

1. slowhttptest (Debian's package) opens 1,000 slow-header connections from 127.0.0.1 while a
   probe client on 127.0.0.2 searches every 50 ms: slowhttptest must never find the service
   unavailable, and every probe must be answered, p99 under 100 ms.
2. tests/bench/slow_clients.py holds 1,000 slow-header and 1,000 idle keep-alive connections
   open at once, with the same probe and the same bounds.
Then the server still answers, its peak RSS stayed under 256 MB, and SIGTERM stops it with
status 0. Every process started is stopped; the whole test takes about a minute.
"""
import argparse, json, os, re, resource, signal, socket, statistics, subprocess, sys, tempfile
import threading, time, urllib.parse

P99_LIMIT_MS = 100
RSS_LIMIT_KB = 256 * 1024
HERE = os.path.dirname(os.path.abspath(__file__))


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def raise_fd_limit(wanted):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    if resource.getrlimit(resource.RLIMIT_NOFILE)[0] < wanted:
        fail(f"needs {wanted} open files; the hard limit is {hard}")


def start_server(server, db, log):
    proc = subprocess.Popen([server, "--db", db, "--port", "0"], stdout=log, stderr=log,
                            start_new_session=True)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with open(log.name) as f:
            m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", f.read())
        if m:
            return proc, int(m.group(1))
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    fail("loupe-server did not start")


def probe_once(port, query="the"):
    s = socket.socket()
    s.settimeout(5)
    s.bind(("127.0.0.2", 0))  # another client address than the attackers'
    t0 = time.monotonic()
    try:
        s.connect(("127.0.0.1", port))
        s.sendall(b"GET /api/search?q=%s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" %
                  urllib.parse.quote(query).encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        return (time.monotonic() - t0) * 1000, data.startswith(b"HTTP/1.1 200")
    except OSError:
        return (time.monotonic() - t0) * 1000, False
    finally:
        s.close()


def probe_while(port, running):
    latencies, failed = [], 0
    while running.is_set():
        ms, ok = probe_once(port)
        latencies.append(ms)
        failed += not ok
        time.sleep(0.05)
    return latencies, failed


def check_probes(name, latencies, failed):
    latencies.sort()
    p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)]
    print(f"{name}: {len(latencies)} probes, {failed} failed, p50 "
          f"{statistics.median(latencies):.1f} ms, p99 {p99:.1f} ms, max {latencies[-1]:.1f} ms")
    if len(latencies) < 50:
        fail(f"{name}: only {len(latencies)} probes")
    if failed:
        fail(f"{name}: {failed} probes were not answered 200")
    if p99 > P99_LIMIT_MS:
        fail(f"{name}: probe p99 {p99:.1f} ms is over {P99_LIMIT_MS} ms")


def slowhttptest_phase(port, workdir):
    running = threading.Event()
    running.set()
    result = {}
    prober = threading.Thread(target=lambda: result.update(
        zip(("latencies", "failed"), probe_while(port, running))))
    prober.start()
    try:
        out = subprocess.run(
            ["slowhttptest", "-H", "-c", "1000", "-r", "200", "-i", "2", "-l", "15", "-p", "2",
             "-u", f"http://127.0.0.1:{port}/api/health", "-g", "-o",
             os.path.join(workdir, "slowhttptest")],
            capture_output=True, text=True, timeout=60).stdout
    finally:
        running.clear()
        prober.join()
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out)
    states = re.findall(r"service available:\s*(\w+)", plain)
    print(f"slowhttptest: {len(states)} reports, {states.count('NO')} of them unavailable; "
          + (re.findall(r"Exit status:\s*(.*)", plain) or ["?"])[-1].strip())
    if not states:
        fail("slowhttptest reported nothing:\n" + plain[-2000:])
    if "NO" in states:
        fail("slowhttptest found the service unavailable:\n" + plain[-2000:])
    check_probes("during slowhttptest", result["latencies"], result["failed"])


def slow_and_idle_phase(port):
    # slow_clients.py is only the attacker here: its own probe shares a busy event loop with
    # 2,000 clients, so the probe that counts runs in this process.
    attackers = subprocess.Popen(
        [sys.executable, os.path.join(HERE, "..", "bench", "slow_clients.py"), str(port),
         "--slow", "1000", "--idle", "1000", "--seconds", "16", "--probe-from", "127.0.0.3"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(4)  # they pile up
        running = threading.Event()
        running.set()
        timer = threading.Timer(12, running.clear)
        timer.start()
        latencies, failed = probe_while(port, running)
        if attackers.poll() is not None:
            fail("slow_clients.py ended early:\n" + attackers.stderr.read()[-2000:])
        check_probes("during 1,000 slow and 1,000 idle connections", latencies, failed)
        attackers.wait(timeout=60)
    finally:
        if attackers.poll() is None:
            attackers.kill()
            attackers.wait()


def peak_rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmHWM:\s*(\d+)", f.read()).group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", required=True)
    ap.add_argument("--server", required=True)
    ap.add_argument("--seeds", required=True)
    a = ap.parse_args()
    raise_fd_limit(8192)  # inherited by the server and both attackers
    with tempfile.TemporaryDirectory() as workdir:
        db = os.path.join(workdir, "db")
        subprocess.run([a.index, "--db", db, a.seeds], check=True, capture_output=True)
        with open(os.path.join(workdir, "server.log"), "w+") as log:
            proc, port = start_server(a.server, db, log)
            try:
                slowhttptest_phase(port, workdir)
                slow_and_idle_phase(port)
                ms, ok = probe_once(port)
                if not ok:
                    fail("the server no longer answers after the attacks")
                rss = peak_rss_kb(proc.pid)
                print(f"server peak RSS {rss / 1024:.0f} MB")
                if rss > RSS_LIMIT_KB:
                    fail(f"peak RSS {rss} kB is over {RSS_LIMIT_KB} kB")
                proc.send_signal(signal.SIGTERM)
                status = proc.wait(timeout=15)
                if status != 0:
                    fail(f"loupe-server exited with {status} on SIGTERM")
            finally:
                if proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
    print("ok")


if __name__ == "__main__":
    main()
