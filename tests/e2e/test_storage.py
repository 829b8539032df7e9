"""A real S3 remote (moto's server on 127.0.0.1): push, pull into a fresh clone, CI's reproduce,
credentials kept out of git, and what a broken remote looks like."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.support.projects import copy_reproduced
from tests.support.s3 import S3Server, closed_port, moto_s3
from tests.support.shell import attempt, sh, stages_run

pytestmark = pytest.mark.slow

BUCKET = "mlgate-dvc"
REMOTE = "storage"
CACHED_OUTPUTS = [
    "data/processed/test.parquet",
    "data/processed/train.parquet",
    "data/raw/data.parquet",
    "models/model.skops",
    "reports/predictions.parquet",
]
FALLBACK_WARNING = "::warning::pulling from the DVC remote failed; reproducing everything"
DVC_TIMEOUT_S = 300  # one dvc command, retries against a dead endpoint included
MAKE_TIMEOUT_S = 600  # make reproduce: a failed pull, then the whole pipeline


@pytest.fixture(scope="module", autouse=True)
def aws_isolated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No AWS profile, config file, session token or instance metadata from the machine: only the
    credentials a test passes reach DVC."""
    empty = tmp_path_factory.mktemp("aws")
    with pytest.MonkeyPatch.context() as patch:
        for name in (
            "AWS_PROFILE",
            "AWS_DEFAULT_PROFILE",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_ENDPOINT_URL",
            "AWS_ENDPOINT_URL_S3",
        ):
            patch.delenv(name, raising=False)
        patch.setenv("AWS_CONFIG_FILE", str(empty / "config"))
        patch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty / "credentials"))
        patch.setenv("AWS_DEFAULT_REGION", "us-east-1")
        patch.setenv("AWS_EC2_METADATA_DISABLED", "true")
        patch.setenv("NO_PROXY", "127.0.0.1")
        patch.setenv("no_proxy", "127.0.0.1")
        yield


@pytest.fixture(scope="module")
def s3(aws_isolated: None) -> Iterator[S3Server]:
    with moto_s3(BUCKET) as server:
        yield server


def use_remote(folder: Path, url: str, endpoint: str) -> None:
    """Make an S3 remote the default, in the git-ignored .dvc/config.local only."""
    sh(folder, "dvc", "remote", "add", "--local", "--force", "-d", REMOTE, url)
    sh(folder, "dvc", "remote", "modify", "--local", REMOTE, "endpointurl", endpoint)


@pytest.fixture(scope="module")
def pushed(
    s3: S3Server, reproduced_project: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A reproduced copy of the project whose outputs and run-cache are pushed to the bucket."""
    project = copy_reproduced(reproduced_project, tmp_path_factory.mktemp("s3") / "mlgate")
    use_remote(project, f"s3://{s3.bucket}/mlgate", s3.endpoint)
    sh(project, "dvc", "push", "--run-cache", env=s3.credentials(), timeout=DVC_TIMEOUT_S)
    return project


@pytest.fixture
def clone(pushed: Path, tmp_path: Path) -> Path:
    """A fresh git clone of the pushed project: no DVC cache, no outputs, no remote configured."""
    target = tmp_path / "clone"
    sh(tmp_path, "git", "clone", "-q", str(pushed), str(target))
    return target


def locked_hashes(folder: Path) -> dict[str, str]:
    """md5 of every output in dvc.lock that DVC caches (not committed to git)."""
    lock = yaml.safe_load((folder / "dvc.lock").read_text())
    outputs = {
        out["path"]: out["md5"] for stage in lock["stages"].values() for out in stage["outs"]
    }
    in_git = sh(folder, "git", "ls-files", *outputs).split()
    committed = {
        path for path in outputs if any(f == path or f.startswith(f"{path}/") for f in in_git)
    }
    return {path: md5 for path, md5 in outputs.items() if path not in committed}


def md5_of(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def test_pull_into_a_fresh_clone_restores_data_and_model_with_the_locked_hashes(
    s3: S3Server, clone: Path
) -> None:
    use_remote(clone, f"s3://{s3.bucket}/mlgate", s3.endpoint)
    sh(clone, "dvc", "pull", env=s3.credentials(), timeout=DVC_TIMEOUT_S)
    expected = locked_hashes(clone)
    assert sorted(expected) == CACHED_OUTPUTS
    assert {path: md5_of(clone / path) for path in expected} == expected
    assert sh(clone, "git", "status", "--porcelain") == ""


# `make reproduce` as the workflows run it; -o setup: this test run's environment is used
# instead of syncing a venv into the clone.
CI_REPRODUCE = ("make", "-o", "setup", "reproduce", "DVC_PULL=true")


def test_ci_reproduce_from_s3_trains_nothing_and_restores_every_output(
    s3: S3Server, clone: Path
) -> None:
    """`make reproduce` as the workflows run it, against S3: the run-cache pushed with
    `dvc push --run-cache` lets `dvc repro --pull --allow-missing` skip every stage."""
    use_remote(clone, f"s3://{s3.bucket}/mlgate", s3.endpoint)
    output = sh(clone, *CI_REPRODUCE, env=s3.credentials(), timeout=MAKE_TIMEOUT_S)
    assert FALLBACK_WARNING not in output
    assert stages_run(output) == []
    expected = locked_hashes(clone)
    assert {path: md5_of(clone / path) for path in expected} == expected
    assert sh(clone, "git", "status", "--porcelain") == ""


def more_rounds(folder: Path) -> None:
    """Edit params.yaml as a pull request would: ten more boosting rounds."""
    path = folder / "params.yaml"
    params = yaml.safe_load(path.read_text())
    params["model"]["params"]["max_iter"] += 10
    path.write_text(yaml.safe_dump(params, sort_keys=False))


def test_ci_reproduce_takes_a_model_trained_elsewhere_from_the_run_cache(
    s3: S3Server, pushed: Path, clone: Path, tmp_path: Path
) -> None:
    """A param change someone already trained and pushed with `dvc push --run-cache` is not
    trained again: `dvc repro --pull` finds the run in the remote's run-cache. (Stages whose
    outputs are committed rather than cached, evaluate and drift, still run.)"""
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(pushed, elsewhere, symlinks=True)
    more_rounds(elsewhere)
    assert "train" in stages_run(sh(elsewhere, "dvc", "repro", timeout=DVC_TIMEOUT_S))
    sh(elsewhere, "dvc", "push", "--run-cache", env=s3.credentials(), timeout=DVC_TIMEOUT_S)

    more_rounds(clone)
    use_remote(clone, f"s3://{s3.bucket}/mlgate", s3.endpoint)
    output = sh(clone, *CI_REPRODUCE, env=s3.credentials(), timeout=MAKE_TIMEOUT_S)
    assert FALLBACK_WARNING not in output
    assert "Stage 'train' is cached - skipping run, checking out outputs" in output
    assert "train" not in stages_run(output)
    model = "models/model.skops"
    assert md5_of(clone / model) == md5_of(elsewhere / model) == locked_hashes(clone)[model]


def test_credentials_never_land_in_git(s3: S3Server, pushed: Path, clone: Path) -> None:
    use_remote(clone, f"s3://{s3.bucket}/mlgate", s3.endpoint)
    sh(clone, "dvc", "pull", env=s3.credentials(), timeout=DVC_TIMEOUT_S)
    for folder in (pushed, clone):
        assert sh(folder, "git", "status", "--porcelain") == ""
        assert sh(folder, "git", "diff", "HEAD", "--", ".dvc/config") == ""
        assert attempt(folder, "git", "check-ignore", "-q", ".dvc/config.local").returncode == 0
        assert s3.endpoint in (folder / ".dvc" / "config.local").read_text()
        for secret in (s3.secret_access_key, s3.access_key_id):
            # every file of the workspace, ignored ones included (.dvc/config.local, .dvc/tmp)
            found = attempt(
                folder, "git", "grep", "-q", "--untracked", "--no-exclude-standard", "-F", secret
            )
            assert found.returncode == 1, f"{secret} found in {folder}"
            assert secret not in sh(folder, "git", "log", "--all", "-p")


@dataclass(frozen=True)
class BrokenRemote:
    """A remote that cannot work, and what DVC must say about it."""

    url: str
    endpoint: str
    credentials: dict[str, str]
    pull_says: list[str]
    push_says: list[str]


BREAKAGES = ["unreachable endpoint", "unknown access key", "wrong secret key", "missing bucket"]


@pytest.fixture(params=BREAKAGES)
def broken(request: pytest.FixtureRequest, s3: S3Server) -> Iterator[BrokenRemote]:
    url = f"s3://{s3.bucket}/mlgate"
    forbidden = ["An error occurred (403) when calling the HeadObject operation: Forbidden"]
    if request.param == "unreachable endpoint":
        with closed_port() as port:
            endpoint = f"http://127.0.0.1:{port}"
            refused = [f'Could not connect to the endpoint URL: "{endpoint}/']
            yield BrokenRemote(url, endpoint, s3.credentials(), refused, refused)
    elif request.param == "unknown access key":
        credentials = {**s3.credentials(), "AWS_ACCESS_KEY_ID": "AKIAUNKNOWNUNKNOWN00"}
        unknown = ["InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist"]
        yield BrokenRemote(url, s3.endpoint, credentials, forbidden, unknown)
    elif request.param == "wrong secret key":
        credentials = {**s3.credentials(), "AWS_SECRET_ACCESS_KEY": "not-the-secret"}
        yield BrokenRemote(url, s3.endpoint, credentials, forbidden, ["SignatureDoesNotMatch"])
    else:
        missing = ["NoSuchBucket", "The specified bucket does not exist"]
        url = "s3://no-such-bucket/mlgate"
        yield BrokenRemote(url, s3.endpoint, s3.credentials(), missing, missing)


def test_pull_from_a_broken_remote_names_the_problem_and_writes_no_output(
    broken: BrokenRemote, clone: Path
) -> None:
    use_remote(clone, broken.url, broken.endpoint)
    pulled = attempt(clone, "dvc", "pull", env=broken.credentials, timeout=DVC_TIMEOUT_S)
    assert pulled.returncode != 0
    for phrase in broken.pull_says:
        assert phrase in pulled.stderr
    assert [path for path in CACHED_OUTPUTS if (clone / path).exists()] == []
    assert sh(clone, "git", "status", "--porcelain") == ""


def test_push_to_a_broken_remote_names_the_problem_and_changes_nothing(
    broken: BrokenRemote, pushed: Path, tmp_path: Path
) -> None:
    project = tmp_path / "mlgate"
    shutil.copytree(pushed, project, symlinks=True)
    use_remote(project, broken.url, broken.endpoint)
    before = locked_hashes(project)
    pushing = attempt(project, "dvc", "push", env=broken.credentials, timeout=DVC_TIMEOUT_S)
    assert pushing.returncode != 0
    for phrase in broken.push_says:
        assert phrase in pushing.stderr
    assert {path: md5_of(project / path) for path in before} == before
    assert sh(project, "git", "status", "--porcelain") == ""


def test_status_cloud_names_what_a_forbidden_pull_does_not(
    broken: BrokenRemote, clone: Path
) -> None:
    """S3 answers a HEAD request (pull's first) with a bare 403; `dvc status --cloud` lists the
    remote like push does, so it names the cause: unknown key, wrong secret, missing bucket."""
    use_remote(clone, broken.url, broken.endpoint)
    status = attempt(
        clone, "dvc", "status", "--cloud", env=broken.credentials, timeout=DVC_TIMEOUT_S
    )
    assert status.returncode != 0
    for phrase in broken.push_says:
        assert phrase in status.stderr
    assert sh(clone, "git", "status", "--porcelain") == ""


@pytest.mark.parametrize("broken", ["unreachable endpoint", "wrong secret key"], indirect=True)
def test_ci_reproduce_with_a_broken_remote_warns_then_reproduces_everything(
    broken: BrokenRemote, clone: Path
) -> None:
    """The workflows' fallback: DVC's error, a ::warning:: annotation, then a full `dvc repro`
    that gives the committed results. After the failed pull the fallback is the same whatever
    broke, so it reproduces for a network failure and an auth failure (~15 s each); every
    breakage's own message is checked by the pull, push and status tests above."""
    use_remote(clone, broken.url, broken.endpoint)
    reproduced = attempt(clone, *CI_REPRODUCE, env=broken.credentials, timeout=MAKE_TIMEOUT_S)
    assert reproduced.returncode == 0, reproduced.stdout + reproduced.stderr
    assert FALLBACK_WARNING in reproduced.stdout
    for phrase in broken.pull_says:
        assert phrase in reproduced.stderr
    assert {"ingest", "split", "train"} <= set(stages_run(reproduced.stdout))
    expected = locked_hashes(clone)
    assert {path: md5_of(clone / path) for path in expected} == expected
    assert sh(clone, "git", "status", "--porcelain") == ""
