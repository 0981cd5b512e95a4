"""Speed machinery: zygote or fresh workers, shared reference cache, device choice."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.cli import resolve_device
from harness.judge.runner import Judge, JudgeOptions
from harness.judge.session import Budgets, WorkerSession
from harness.notebook import PreparedSource
from harness.remote.handles import RemoteModule
from harness.sandbox import launcher as launcher_module
from harness.sandbox.isolation import SandboxError
from harness.sandbox.launcher import Launcher
from tests.support import COURSE, grade, reference_text

SOURCE = "import os\ndef pid():\n    return os.getpid()\ndef threads():\n    import torch\n    return torch.get_num_threads()\n"


def run_one(launcher: Launcher) -> tuple[int, int]:
    with WorkerSession(PreparedSource(SOURCE), launcher, Budgets()) as session:
        session.begin_check(1)
        student = RemoteModule(session)
        return student.pid(), student.threads()


def test_workers_fork_from_a_warm_zygote_with_one_torch_thread() -> None:
    launcher = Launcher()
    try:
        assert launcher.start_mode == "zygote", launcher.start_note
        assert launcher._zygote is not None and launcher._zygote.hello["threads"] == 1
        assert {"torch", "sklearn", "numpy"} <= set(launcher._zygote.hello["preloaded"])
        assert run_one(launcher)[1] == 1
        assert run_one(launcher)[1] == 1
    finally:
        launcher.close()


def test_fresh_processes_are_used_and_announced_when_the_zygote_cannot_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(self: object, python: str, **options: object) -> None:
        raise SandboxError("fork is not available here")

    monkeypatch.setattr(launcher_module.Zygote, "__init__", broken)
    launcher = Launcher()
    try:
        assert launcher.start_mode == "fresh"
        assert (
            "fresh process per worker" in launcher.start_note
            and "fork is not available" in launcher.start_note
        )
        assert run_one(launcher)[1] == 1
    finally:
        launcher.close()


def test_reference_results_are_computed_once_and_shared_through_the_disk_cache(
    tmp_path: Path,
) -> None:
    text = reference_text("ch01_fundamentals")
    with Judge(COURSE, JudgeOptions(cache_dir=tmp_path)) as first:
        before = grade(first, "ch01_fundamentals", text)
        cache = first._disk_cache
        assert cache is not None and cache.misses > 0 and cache.hits == 0
    with Judge(COURSE, JudgeOptions(cache_dir=tmp_path)) as second:
        after = grade(second, "ch01_fundamentals", text)
        cache = second._disk_cache
        assert cache is not None and cache.hits > 0 and cache.misses == 0
    assert [(c.name, c.passed, c.message) for c in after.checks] == [
        (c.name, c.passed, c.message) for c in before.checks
    ]


def test_device_cuda_falls_back_to_cpu_with_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    import torch

    chosen = resolve_device("cuda")
    message = capsys.readouterr().err
    if torch.cuda.is_available():
        assert chosen == "cuda" and "device: cuda" in message
    else:
        assert chosen == "cpu" and "falling back to cpu" in message
    assert resolve_device("cpu") == "cpu"
