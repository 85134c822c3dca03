"""The shard examples in .ci/examples run as their engines would run them.

Each example is parsed (yaml.safe_load), its exact command lines are taken out of it
(a Kubernetes container's command and args; a GitHub Actions job's run: steps) and run
here, as N shards with the environment the engine would set, on a small class; the
merged gradebook must equal the unsharded `kata grade` of the same manifest."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from kata.grader.shards import ENGINES, GENERIC_COUNT
from tests.test_grade import CORRECT, NAIVE, WRONG

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / ".ci" / "examples"



def make_class(folder: Path) -> None:
    """Six submissions: passes, failures, a syntax error, a folder with nothing to grade."""
    folder.mkdir(parents=True)
    (folder / "ann.py").write_text(CORRECT)
    (folder / "ben.py").write_text(WRONG)
    (folder / "cat.py").write_text(NAIVE)
    (folder / "dan.py").write_text("def softmax(x:\n")
    (folder / "alice").mkdir()
    (folder / "alice" / "answer.py").write_text(CORRECT)
    (folder / "empty").mkdir()


@pytest.fixture
def kata_on_path(tmp_path) -> dict[str, str]:
    """An environment whose `kata` is this checkout's, and in which no engine's shard
    variable leaks in from the machine running the tests."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "kata"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m kata "$@"\n')
    shim.chmod(0o755)
    env = {k: v for k, v in os.environ.items()
           if k not in {e.index for e in ENGINES} | {e.count for e in ENGINES if e.count} | {GENERIC_COUNT}}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}"
    env["PYTHONPATH"] = str(ROOT)
    return env


def run(argv: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL, check=False)
    assert proc.returncode == 0, f"{argv}: exit {proc.returncode}\n{proc.stderr}"
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def unsharded(cwd: Path, env: dict[str, str], manifest: str) -> list[dict]:
    proc = subprocess.run(["kata", "grade", "--manifest", manifest, "--format", "json", "-j", "2"], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL, check=False)
    assert proc.returncode == 1, proc.stderr  # some submissions fail
    return json.loads(proc.stdout)


def comparable(entries: list[dict]) -> list[dict]:
    return [{k: v for k, v in e.items() if k != "duration_ms"} for e in entries]


def assert_merged_equals_unsharded(merged: list[dict], whole: list[dict], parts: list[list[dict]]) -> None:
    ids = [e["id"] for e in whole]
    assert ids == ["alice", "ann.py", "ben.py", "cat.py", "dan.py", "empty"]
    assert all(parts), "every shard graded something"
    assert sorted(e["id"] for part in parts for e in part) == ids  # each submission in exactly one shard
    assert comparable(merged) == comparable(whole)
    assert {e["status"] for e in merged} == {"pass", "fail", "error"}
    assert {e["run"]["seed"] for e in merged} == {2024}


# ---------------------------------------------------------------- Kubernetes


def test_the_kubernetes_indexed_job_example(tmp_path, kata_on_path):
    jobs = {doc["metadata"]["labels"]["kata-step"]: doc
            for doc in yaml.safe_load_all((EXAMPLES / "k8s-indexed-job.yaml").read_text())}
    assert list(jobs) == ["manifest", "grade", "merge"]  # the order the comments apply them in
    volume = tmp_path / "class-volume"  # the PersistentVolumeClaim every pod mounts
    make_class(volume / "class")

    def pods(job: dict) -> list[dict[str, str]]:
        """The environment of each pod Kubernetes starts for ``job``."""
        spec = job["spec"]
        if spec.get("completionMode") != "Indexed":
            return [{}]
        assert spec["parallelism"] <= spec["completions"]
        return [{"JOB_COMPLETION_INDEX": str(i)} for i in range(spec["completions"])]

    for step, job in jobs.items():
        assert job["kind"] == "Job" and job["apiVersion"] == "batch/v1"
        [container] = job["spec"]["template"]["spec"]["containers"]
        argv = [*container.get("command", []), *container.get("args", [])]
        assert not any("$(" in word for word in argv), "no $(VAR) for Kubernetes to expand: the shell does it"
        mount = container["volumeMounts"][0]["mountPath"]
        assert container["workingDir"] == mount
        if step == "grade":
            [count] = re.findall(r"--shard auto/(\d+)", " ".join(argv))
            assert int(count) == job["spec"]["completions"], "auto/N must be the Job's completions"
        for pod_env in pods(job):
            proc = run(argv, volume, {**kata_on_path, **pod_env})
            if pod_env:
                i = int(pod_env["JOB_COMPLETION_INDEX"])
                assert f"shard {i + 1}/{count} (a Kubernetes Indexed Job's JOB_COMPLETION_INDEX={i}): " in proc.stderr

    parts = [json.loads(p.read_text()) for p in sorted((volume / "parts").glob("part-*.json"))]
    assert len(parts) == jobs["grade"]["spec"]["completions"]
    merged = json.loads((volume / "grades.json").read_text())
    assert_merged_equals_unsharded(merged, unsharded(volume, kata_on_path, "manifest.json"), parts)


# ---------------------------------------------------------------- GitHub Actions

_EXPRESSION = re.compile(r"\$\{\{\s*([\w.-]+)\s*\}\}")


def _expand(value: object, context: dict[str, str]) -> str:
    """GitHub's ${{ }} expressions, for the few this workflow uses; any other fails the test."""
    return _EXPRESSION.sub(lambda m: context[m.group(1)], str(value))


class Runner:
    """Just enough of GitHub Actions: a fresh workspace per job, the checkout, and
    artifacts that go from one job to the jobs that need it."""

    def __init__(self, tmp: Path, repo: Path, env: dict[str, str]) -> None:
        self.tmp, self.repo, self.env = tmp, repo, env
        self.artifacts: dict[str, list[Path]] = {}
        self.workspaces = 0

    def job(self, name: str, job: dict, context: dict[str, str]) -> Path:
        self.workspaces += 1
        ws = self.tmp / f"runner-{self.workspaces}"
        ws.mkdir()
        env = {**self.env, **{k: _expand(v, context) for k, v in (job.get("env") or {}).items()}}
        for step in job["steps"]:
            if "run" in step:
                script = _expand(step["run"], context)
                if not script.startswith("kata "):
                    assert script == "pip install kata", f"{name}: a step the test does not run: {script!r}"
                    continue  # kata is installed already: this checkout's
                run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], ws, env)
                continue
            action, _, _ = step["uses"].partition("@")
            given = {k: _expand(v, context) for k, v in (step.get("with") or {}).items()}
            if action == "actions/checkout":
                shutil.copytree(self.repo, ws, dirs_exist_ok=True)
            elif action == "actions/upload-artifact":
                assert given["name"] not in self.artifacts, f"artifact {given['name']} uploaded twice"
                path = ws / given["path"]
                assert path.is_file(), f"{name}: {given['path']} to upload does not exist"
                self.artifacts[given["name"]] = [path]
            elif action == "actions/download-artifact":
                if "name" in given:
                    chosen = [given["name"]]
                else:
                    assert given.get("merge-multiple") == "True"
                    chosen = [a for a in self.artifacts if re.fullmatch(given["pattern"].replace("*", ".*"), a)]
                assert chosen and all(a in self.artifacts for a in chosen), f"{name}: no artifact {given}"
                for a in chosen:
                    for path in self.artifacts[a]:
                        shutil.copy(path, ws / path.name)
            else:
                assert action == "actions/setup-python", f"{name}: an action the test does not know: {action}"
        return ws


def test_the_github_actions_matrix_example(tmp_path, kata_on_path):
    workflow = yaml.safe_load((EXAMPLES / "github-actions-matrix.yml").read_text())
    jobs = workflow["jobs"]
    assert list(jobs) == ["manifest", "grade", "merge"]
    assert jobs["grade"]["needs"] == "manifest" and jobs["merge"]["needs"] == "grade"
    repo = tmp_path / "repo"  # the repository the workflow is in
    make_class(repo / "submissions")
    runner = Runner(tmp_path, repo, kata_on_path)

    runner.job("manifest", jobs["manifest"], {})
    shards = jobs["grade"]["strategy"]["matrix"]["shard"]
    for index, shard in enumerate(shards):
        context = {"matrix.shard": str(shard), "strategy.job-index": str(index), "strategy.job-total": str(len(shards))}
        runner.job("grade", jobs["grade"], context)
    merged_ws = runner.job("merge", jobs["merge"], {})

    parts = [json.loads(runner.artifacts[f"part-{s}"][0].read_text()) for s in shards]
    merged = json.loads((merged_ws / "grades.json").read_text())
    assert runner.artifacts["grades"] == [merged_ws / "grades.json"]
    # The unsharded grade of the same manifest, in a workspace like a grade job's.
    check = tmp_path / "unsharded"
    shutil.copytree(repo, check)
    shutil.copy(runner.artifacts["manifest"][0], check / "manifest.json")
    assert_merged_equals_unsharded(merged, unsharded(check, kata_on_path, "manifest.json"), parts)
