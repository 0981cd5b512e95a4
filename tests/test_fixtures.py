"""Shipped fixture weights are exactly what their builders produce (deterministic training)."""

from __future__ import annotations

import numpy as np

from harness import fixtures


def test_shipped_fixtures_are_the_recorded_files_and_reproduced_where_comparable(capsys) -> None:
    """Every shipped file matches its recorded sha256; each is rebuilt bit for bit on the platform
    it was recorded on (trained weights drift between CPU kernels, so elsewhere it is reported)."""
    assert fixtures.main(["check"]) == 0
    printed = capsys.readouterr().out
    here = fixtures.platform()
    comparable = [n for n, r in fixtures._provenance().items() if r["platform"] == here]
    for name in comparable:
        assert f"ok: {name}" in printed


def test_a_changed_fixture_file_is_detected(tmp_path, monkeypatch, capsys) -> None:
    import shutil

    shutil.copy(fixtures.PROVENANCE, tmp_path)
    monkeypatch.setattr(fixtures, "FIXTURE_DIR", tmp_path)
    monkeypatch.setattr(fixtures, "PROVENANCE", tmp_path / "provenance.json")
    name = next(iter(fixtures._provenance()))
    (tmp_path / f"{name}.safetensors").write_bytes(b"not the shipped weights")
    assert fixtures.main(["check", name]) == 1
    assert f"CHANGED: {name}" in capsys.readouterr().out


def test_digits_split_is_fixed_and_read_only() -> None:
    first, second = fixtures.digits(), fixtures.digits()
    assert first.X_train.shape == (1257, 64) and first.X_test.shape == (540, 64)
    assert np.array_equal(first.y_test, second.y_test)
    assert not first.X_train.flags.writeable
