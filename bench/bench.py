#!/usr/bin/env python3
"""Runs the poll benchmark: generates the feeds, serves them with nginx on 127.0.0.1, and
times followup, newsboat and the Python reader cold and warm with /usr/bin/time -v.

Called by bench/run.sh, which installs what is missing and builds followup first.
"""

import argparse
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, proc, timeout=10.0):
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            sys.exit(f"nginx exited with status {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"nginx did not listen on port {port}")


def timed(label, cmd, cwd, env=None):
    """Runs cmd under /usr/bin/time -v; returns wall, cpu seconds and peak RSS in MB."""
    report = os.path.join(cwd, f".time-{label.replace(' ', '-')}")
    full = ["/usr/bin/time", "-v", "-o", report] + cmd
    start = time.monotonic()
    run = subprocess.run(full, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    wall = time.monotonic() - start
    if run.returncode != 0:
        sys.stderr.write(run.stdout[-2000:] + run.stderr[-4000:])
        sys.exit(f"{label}: exit status {run.returncode}")
    text = open(report).read()

    def field(name):
        m = re.search(re.escape(name) + r":\s*(.+)", text)
        return m.group(1).strip() if m else "0"

    elapsed = field("Elapsed (wall clock) time (h:mm:ss or m:ss)")
    parts = [float(p) for p in elapsed.split(":")]
    wall_v = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
    rss = int(field("Maximum resident set size (kbytes)")) / 1024
    summary = next((l for l in run.stderr.splitlines() if l.startswith("polled ")), "")
    judged = re.search(r"judged (\d+) items", summary)
    asked = re.search(r"\((\d+) requested", summary)
    work = (f"   judged {judged.group(1)} items, {asked.group(1)} article requests"
            if judged and asked else "")
    print(f"  {label:<16} wall {wall_v:7.2f} s  cpu {cpu:7.2f} s  rss {rss:6.1f} MB{work}",
          flush=True)
    return {"wall": max(wall_v, 0.01) if wall_v else wall, "cpu": cpu, "rss": rss}


def count(db, sql):
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def world(n, root, followup_bin, kind="plain"):
    """Generates n feeds under root/<kind>-n and starts nginx; returns (dir, nginx process)."""
    out = os.path.join(root, f"{kind}-{n}")
    port = free_port()
    subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), "--feeds", str(n),
                    "--out", out, "--port", str(port)] + ([] if kind == "plain" else [f"--{kind}"]),
                   check=True)
    os.chmod(root, 0o755)
    os.chmod(out, 0o755)
    os.makedirs(os.path.join(out, "nginx", "tmp"), exist_ok=True)
    prefix = os.path.join(out, "nginx")
    nginx = subprocess.Popen(["nginx", "-p", prefix, "-c", os.path.join(prefix, "nginx.conf"),
                              "-e", os.path.join(prefix, "error.log")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port, nginx)
    return out, nginx


def followup_runs(out, bin_path, env):
    cfg = os.path.join(out, "followup")
    cmd = [bin_path, "--config", os.path.join(cfg, "feeds.toml"), "poll"]
    cold = timed("followup cold", cmd, cfg, env)
    warm = timed("followup warm", cmd, cfg, env)
    items = count(os.path.join(cfg, "followup.db"), "SELECT COUNT(*) FROM items")
    print(f"  followup stored {items} items")
    return cold, warm, items


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("feeds", type=int, nargs="?", default=1000)
    ap.add_argument("--followup", required=True, help="path to the followup binary")
    ap.add_argument("--scale", action="store_true",
                    help="also run followup on 10x the feeds and check 10x <= 10 x 1x")
    ap.add_argument("--only-followup", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the generated files")
    ap.add_argument("--world", choices=["plain", "generic", "lookalike", "both", "all"],
                    default="both",
                    help="which world to run: both = plain and generic, all = the three "
                         "(gen.py --generic and --lookalike write the other two)")
    args = ap.parse_args()
    kinds = {"both": ["plain", "generic"], "all": ["plain", "generic", "lookalike"]}.get(
        args.world, [args.world])
    for kind in kinds:
        if len(kinds) > 1:
            print(f"== {kind} world", flush=True)
        run_world(args, kind)


def run_world(args, kind):
    n = args.feeds
    root = tempfile.mkdtemp(prefix="followup-bench-")
    env = dict(os.environ, HOME=root, XDG_CONFIG_HOME=root, XDG_DATA_HOME=root,
               XDG_CACHE_HOME=root, RUST_LOG=os.environ.get("RUST_LOG", "followup=warn"))
    procs = []
    try:
        print(f"generating {n} feeds in {root}", flush=True)
        out, nginx = world(n, root, args.followup, kind)
        procs.append(nginx)
        res = {}
        res["followup cold"], res["followup warm"], items = followup_runs(out, args.followup, env)
        expected = n * 20
        if items != expected:
            print(f"  WARNING: followup stored {items} items, expected {expected}")
        if not args.only_followup:
            nb = os.path.join(out, "newsboat")
            nb_cmd = ["newsboat", "-x", "reload", "-u", os.path.join(out, "urls.txt"),
                      "-c", os.path.join(nb, "cache.db"), "-C", os.path.join(nb, "config")]
            res["newsboat cold"] = timed("newsboat cold", nb_cmd, nb, env)
            res["newsboat warm"] = timed("newsboat warm", nb_cmd, nb, env)
            py = os.path.join(out, "python")
            py_cmd = [sys.executable, os.path.join(HERE, "pyreader.py"), "--urls",
                      os.path.join(out, "urls.txt"), "--db", os.path.join(py, "py.db")]
            res["python cold"] = timed("python cold", py_cmd, py, env)
            res["python warm"] = timed("python warm", py_cmd, py, env)
        if args.scale:
            big = n * 10
            print(f"generating {big} feeds for the scaling check", flush=True)
            out10, nginx10 = world(big, root, args.followup, kind)
            procs.append(nginx10)
            c, w, _ = followup_runs(out10, args.followup, env)
            res[f"followup cold {big}"], res[f"followup warm {big}"] = c, w

        print()
        print(f"{'run (' + str(n) + ' feeds)':<24}{'wall s':>9}{'cpu s':>9}{'peak RSS MB':>13}")
        for label, r in res.items():
            print(f"{label:<24}{r['wall']:9.2f}{r['cpu']:9.2f}{r['rss']:13.1f}")
        print()
        fc, fw = res["followup cold"], res["followup warm"]
        checks = [("peak RSS followup cold (MB)", max(fc["rss"], fw["rss"]), 40.0)]
        if "newsboat cold" in res:
            checks.insert(0, ("followup cold / newsboat cold (wall)",
                              fc["wall"] / res["newsboat cold"]["wall"], 0.10))
            checks.insert(1, ("followup warm / python warm (wall)",
                              fw["wall"] / res["python warm"]["wall"], 0.30))
            print(f"{'followup cold / python cold (wall)':<44}"
                  f"{fc['wall'] / res['python cold']['wall']:8.3f}")
            print(f"{'followup warm / newsboat warm (wall)':<44}"
                  f"{fw['wall'] / res['newsboat warm']['wall']:8.3f}")
        if args.scale:
            big = n * 10
            checks.append((f"followup cold {big} / cold {n} (wall)",
                           res[f"followup cold {big}"]["wall"] / fc["wall"], 10.0))
            checks.append((f"followup warm {big} / warm {n} (wall)",
                           res[f"followup warm {big}"]["wall"] / fw["wall"], 10.0))
        for name, value, target in checks:
            verdict = "ok" if value <= target else "MISSED"
            print(f"{name:<44}{value:8.3f}   target <= {target:<6} {verdict}")
    finally:
        for p in procs:
            p.terminate()
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
