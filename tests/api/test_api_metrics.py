"""GET /metrics over several workers: every worker's values, summed, whichever one answers.

Unit level: processes sharing a metrics directory (several ``Metrics`` in this process, and
a child process killed with SIGKILL) have their counters and histograms summed, a worker
that exited keeps its counts in the totals (its file folded into one retired file), and
only live workers report gauges. End to
end: a real ``tablerx serve --workers 2`` answers every scrape with the total of both.
"""

from __future__ import annotations

import fcntl
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from api_harness import MODELS, REPO, VALID, Server, wait_until

from service.api.metricfiles import RunDirectory, ValueFile, read_directory, retire, sweep
from service.api.metrics import Metrics, exposition, is_summed
from service.api.state import Settings

EVALUATE = "/decisions/{model}/evaluate"


def sample(text: str, name: str, labels: str) -> float | None:
    """The value of the sample ``name{labels}`` in an exposition, None if absent."""
    found = re.search(rf"^{re.escape(name + '{' + labels + '}')} (\S+)$", text, re.MULTILINE)
    return float(found.group(1)) if found else None


def per_worker(text: str, name: str) -> dict[str, float]:
    """The samples of a per-worker gauge by pid."""
    pattern = rf'^{re.escape(name)}\{{pid="(\d+)"\}} (\S+)$'
    return {pid: float(value) for pid, value in re.findall(pattern, text, re.MULTILINE)}


def gauge_values(text: str, name: str) -> list[float]:
    """The values of a per-worker gauge, sorted (the workers here share one pid)."""
    pattern = rf'^{re.escape(name)}\{{pid="\d+"\}} (\S+)$'
    return sorted(float(value) for value in re.findall(pattern, text, re.MULTILINE))


# (worker, method, route, status, seconds) counted in two workers sharing a directory
REQUESTS = [
    (0, "POST", EVALUATE, 200, 0.0007),
    (0, "POST", EVALUATE, 200, 0.003),
    (1, "POST", EVALUATE, 200, 0.0009),
    (1, "POST", EVALUATE, 422, 0.02),
    (1, "GET", "/health", 200, 12.0),  # above the last bucket: only in +Inf
]
# (name, labels, total over both workers)
TOTALS = [
    ("tablerx_http_requests_total", f'method="POST",route="{EVALUATE}",status="200"', 3),
    ("tablerx_http_requests_total", f'method="POST",route="{EVALUATE}",status="422"', 1),
    ("tablerx_http_requests_total", 'method="GET",route="/health",status="200"', 1),
    (
        "tablerx_http_request_duration_seconds_bucket",
        f'method="POST",route="{EVALUATE}",le="0.001"',
        2,
    ),
    (
        "tablerx_http_request_duration_seconds_bucket",
        f'method="POST",route="{EVALUATE}",le="0.005"',
        3,
    ),
    (
        "tablerx_http_request_duration_seconds_bucket",
        f'method="POST",route="{EVALUATE}",le="+Inf"',
        4,
    ),
    ("tablerx_http_request_duration_seconds_count", f'method="POST",route="{EVALUATE}"', 4),
    ("tablerx_http_request_duration_seconds_bucket", 'method="GET",route="/health",le="10.0"', 0),
    ("tablerx_http_request_duration_seconds_bucket", 'method="GET",route="/health",le="+Inf"', 1),
    ("tablerx_http_request_duration_seconds_sum", 'method="GET",route="/health"', 12.0),
    ("tablerx_evaluations_total", 'model="m",version="1",outcome="ok"', 5),
    ("tablerx_evaluations_total", 'model="m",version="",outcome="rejected"', 1),
]


@pytest.fixture
def workers(tmp_path: Path) -> list[Metrics]:
    """Two workers' metrics in one directory, with the counts of REQUESTS."""
    pair = [Metrics(tmp_path), Metrics(tmp_path)]
    for worker, method, route, status, seconds in REQUESTS:
        pair[worker].request(method, route, status, seconds)
    pair[0].evaluation("m", "1", "ok", 2)
    pair[1].evaluation("m", "1", "ok", 3)
    pair[1].evaluation("m", None, "rejected")
    return pair


@pytest.mark.parametrize(("name", "labels", "total"), TOTALS)
def test_each_worker_reports_the_sum_of_all(
    workers: list[Metrics], name: str, labels: str, total: float
) -> None:
    assert [sample(worker.render(), name, labels) for worker in workers] == [total, total]


def test_summed_series_carry_no_pid(workers: list[Metrics]) -> None:
    text = workers[0].render()
    assert "pid=" not in text
    for line in text.splitlines():  # every sample line parses as name{labels} value
        assert line.startswith("#") or re.fullmatch(r"[a-z_]+(\{.*\})? [0-9.e+-]+", line), line


def test_an_exited_worker_keeps_its_counts_and_drops_its_gauges(workers: list[Metrics]) -> None:
    live, leaving = workers
    live.gauges.append(lambda: [("tablerx_test_gauge", "gauge", "A test gauge.", 7)])
    leaving.gauges.append(lambda: [("tablerx_test_gauge", "gauge", "A test gauge.", 9)])
    leaving.refresh()
    assert gauge_values(live.render(), "tablerx_test_gauge") == [7, 9]
    before = live.render()
    leaving.close()  # what exiting does to its file
    after = live.render()
    for name, labels, _total in TOTALS:
        assert sample(after, name, labels) == sample(before, name, labels)
    assert gauge_values(after, "tablerx_test_gauge") == [7]


def _worker_files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.glob("worker-*.metrics"))


def test_exited_workers_files_are_folded_into_one_and_their_counts_kept(tmp_path: Path) -> None:
    live = Metrics(tmp_path)
    live.evaluation("m", "1", "ok", 1)
    for round_ in range(3):  # workers restarted again and again
        leaving = Metrics(tmp_path)
        leaving.gauges.append(lambda: [("tablerx_test_gauge", "gauge", "A test gauge.", 9)])
        leaving.refresh()
        leaving.evaluation("m", "1", "ok", 10)
        leaving.request("POST", EVALUATE, 200, 0.002)
        leaving.close()
        text = live.render()
        assert len(_worker_files(tmp_path)) == 1  # the live worker's own
        assert sample(
            text, "tablerx_evaluations_total", 'model="m",version="1",outcome="ok"'
        ) == 1 + 10 * (round_ + 1)
        assert (
            sample(
                text,
                "tablerx_http_request_duration_seconds_count",
                f'method="POST",route="{EVALUATE}"',
            )
            == round_ + 1
        )
        assert "tablerx_test_gauge" not in text
        assert live.render() == text  # folding again changes nothing
    assert [f.pid for f in read_directory(tmp_path) if not f.alive] == ["retired"]


def test_no_fold_while_someone_reads(tmp_path: Path) -> None:
    leaving = Metrics(tmp_path)
    leaving.evaluation("m", "1", "ok", 4)
    leaving.close()
    fd = os.open(tmp_path / "retired.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)  # what a reader in another process holds
        assert retire(tmp_path, is_summed) == 0
        assert len(_worker_files(tmp_path)) == 1
    finally:
        os.close(fd)
    assert retire(tmp_path, is_summed) == 1
    assert _worker_files(tmp_path) == []
    text = exposition(read_directory(tmp_path))
    assert sample(text, "tablerx_evaluations_total", 'model="m",version="1",outcome="ok"') == 4


KILLED_CHILD = """
import os, signal, sys
from pathlib import Path
from service.api.metrics import Metrics
metrics = Metrics(Path(sys.argv[1]))
metrics.gauges.append(lambda: [("tablerx_test_gauge", "gauge", "A test gauge.", 1)])
metrics.refresh()
for _ in range(40):
    metrics.request("POST", "/decisions/{model}/evaluate", 200, 0.002)
metrics.evaluation("m", "1", "ok", 40)
os.kill(os.getpid(), signal.SIGKILL)  # no shutdown, no flushing
"""


def test_a_killed_process_counts_are_kept(tmp_path: Path) -> None:
    survivor = Metrics(tmp_path)
    survivor.evaluation("m", "1", "ok", 2)
    child = subprocess.run(
        [sys.executable, "-c", KILLED_CHILD, str(tmp_path)], cwd=REPO, check=False
    )
    assert child.returncode == -signal.SIGKILL
    files = read_directory(tmp_path, skip=None)
    assert sorted(f.alive for f in files) == [False, True]
    text = survivor.render()  # folds the killed process's file into the retired one
    assert [f.pid for f in read_directory(tmp_path) if not f.alive] == ["retired"]
    assert sample(text, "tablerx_evaluations_total", 'model="m",version="1",outcome="ok"') == 42
    assert (
        sample(
            text, "tablerx_http_request_duration_seconds_count", f'method="POST",route="{EVALUATE}"'
        )
        == 40
    )
    assert "tablerx_test_gauge" not in text  # the dead process's gauge is gone


def test_a_fold_removes_what_dead_processes_left_half_done(tmp_path: Path) -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()  # its pid is now unused (reaped)
    dead_start = tmp_path / f"worker-{child.pid}-0badcafe.starting"
    live_start = tmp_path / f"worker-{os.getpid()}-0badcafe.starting"  # a worker starting now
    dead_fold = tmp_path / "retired-0badcafe.tmp"
    for path in (dead_start, live_start, dead_fold):
        path.write_bytes(b"")
    live = Metrics(tmp_path)
    live.render()
    assert not dead_start.exists()
    assert not dead_fold.exists()
    assert live_start.exists()


def test_without_a_directory_a_process_reports_its_own() -> None:
    metrics = Metrics()
    metrics.evaluation("m", "1", "ok")
    text = metrics.render()
    assert sample(text, "tablerx_evaluations_total", 'model="m",version="1",outcome="ok"') == 1


@pytest.mark.parametrize("in_directory", [False, True])
def test_many_series_outgrow_the_first_mapping(tmp_path: Path, in_directory: bool) -> None:
    metrics = Metrics(tmp_path if in_directory else None)
    for i in range(3000):  # far more than the first 64 KiB hold
        metrics.evaluation(f"model-{i}", "1", "ok", i)
        metrics.request("GET", f"/route/{i % 50}", 200, 0.01)
    text = metrics.render()
    assert (
        sample(text, "tablerx_evaluations_total", 'model="model-2999",version="1",outcome="ok"')
        == 2999
    )
    assert (
        sample(text, "tablerx_http_requests_total", 'method="GET",route="/route/7",status="200"')
        == 60
    )
    if in_directory:  # what another worker reads from the file is the same
        assert exposition(read_directory(tmp_path)) == text


def test_the_metrics_directory_is_a_setting(tmp_path: Path) -> None:
    settings = Settings(metrics_dir=tmp_path)
    assert Settings.from_env(settings.to_env()).metrics_dir == tmp_path
    assert Settings.from_env(Settings().to_env()).metrics_dir is None


def test_run_directories_left_by_killed_servers_are_swept(tmp_path: Path) -> None:
    old = 1_000_000_000.0  # long before any start-up could still be going on

    def run_dir(name: str, held: bool) -> Path:
        path = tmp_path / f"tablerx-metrics-{name}"
        path.mkdir()
        if held:  # a live worker's file (this process holds its lock)
            held_files.append(ValueFile(path))
        else:
            (path / "worker-1-0.metrics").write_bytes(b"")
        os.utime(path, (old, old))
        return path

    held_files: list[ValueFile] = []
    killed, running = run_dir("killed", held=False), run_dir("running", held=True)
    current = RunDirectory(tmp_path)  # sweeps first, then makes its own
    try:
        assert not killed.exists() and running.exists() and current.path.exists()
        assert sweep(tmp_path) == []  # a fresh run (its lock held) is never swept
    finally:
        current.remove()
        for file in held_files:
            file.close()
    assert not current.path.exists()


@pytest.mark.slow
def test_every_scrape_of_two_workers_counts_every_request(tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    server = Server(
        MODELS,
        f"sqlite:///{tmp_path / 'audit.sqlite'}",
        tmp_path / "server.log",
        workers=2,
        env={"TMPDIR": str(temp)},
    )
    server.start()
    try:
        [run_dir] = temp.glob("tablerx-metrics-*")  # made by serve for this run
        check_two_workers(server)
    finally:
        server.stop()
    assert not run_dir.exists()  # removed when the server stops


@pytest.mark.slow
def test_one_worker_server_removes_its_directory_when_stopped(tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    server = Server(
        MODELS,
        f"sqlite:///{tmp_path / 'audit.sqlite'}",
        tmp_path / "server.log",
        env={"TMPDIR": str(temp)},
    )
    server.start()
    try:
        [run_dir] = temp.glob("tablerx-metrics-*")
        assert (
            httpx.post(
                f"{server.url}/decisions/triage-demo/evaluate", json=VALID, timeout=30
            ).status_code
            == 200
        )
        text = scrape(server)
        assert (
            sample(
                text,
                "tablerx_evaluations_total",
                'model="triage-demo",version="1.0.0",outcome="ok"',
            )
            == 1
        )
    finally:
        server.stop()  # SIGTERM: uvicorn stops gracefully, then serve cleans up
    assert not run_dir.exists()
    assert server.process is not None and server.process.returncode == -signal.SIGTERM


def check_two_workers(server: Server) -> None:
    ok = 'model="triage-demo",version="1.0.0",outcome="ok"'
    answered = f'method="POST",route="{EVALUATE}",status="200"'
    sent = 0

    def both_answered() -> bool:
        """Send a few evaluations (new connections); whether both workers have answered."""
        nonlocal sent
        for _ in range(5):
            assert (
                httpx.post(
                    f"{server.url}/decisions/triage-demo/evaluate", json=VALID, timeout=30
                ).status_code
                == 200
            )
            sent += 1
        records = per_worker(scrape(server), "tablerx_audit_records_total")
        return len(records) == 2 and all(records.values())

    wait_until(both_answered, 60, "both workers answered evaluations")
    # the last request is counted just after its answer went out
    wait_until(
        lambda: sample(scrape(server), "tablerx_http_requests_total", answered) == sent,
        30,
        f"{sent} requests counted",
    )
    for _ in range(6):  # whichever worker answers, it reports both
        text = scrape(server)
        assert sample(text, "tablerx_evaluations_total", ok) == sent
        assert sample(text, "tablerx_http_requests_total", answered) == sent
        assert (
            sample(
                text,
                "tablerx_http_request_duration_seconds_count",
                f'method="POST",route="{EVALUATE}"',
            )
            == sent
        )
    # a worker killed: its counts stay in the totals, its gauges go
    victim = sorted(per_worker(scrape(server), "tablerx_audit_records_total"))[0]
    os.kill(int(victim), signal.SIGKILL)
    wait_until(
        lambda: victim not in per_worker(scrape(server), "tablerx_audit_records_total"),
        30,
        "the killed worker's gauges gone",
    )
    assert sample(scrape(server), "tablerx_evaluations_total", ok) == sent


def scrape(server: Server) -> str:
    """One GET /metrics on a new connection (any worker may accept it)."""
    response = httpx.get(f"{server.url}/metrics", timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    return response.text
