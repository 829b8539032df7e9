"""The kustomize overlays render, pass Kubernetes' own schemas offline, and keep our invariants.

Rendering needs `kubectl` with kustomize v5 (kubectl >= 1.27) on PATH; a missing or older one
fails these tests rather than skipping them, since CI must always check the manifests.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
K8S_DIR = REPO_ROOT / "deploy" / "k8s"
OVERLAYS = ("staging", "production")
# The oldest Kubernetes these manifests target, and the newest kubernetes-validate 1.37 bundles.
KUBERNETES_VERSIONS = ("1.30", "1.37")
UID = 1034  # the user BentoML's containerize creates (bentoml/_internal/container/generate.py)

Manifest = dict[str, Any]


def _kubectl() -> str:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.fail("kubectl not found on PATH: it renders deploy/k8s (install kubectl >= 1.27)")
    version = subprocess.run(
        [kubectl, "version", "--client"], capture_output=True, text=True, check=False
    ).stdout
    found = re.search(r"Kustomize Version: v(\d+)", version)
    if found is None or int(found[1]) < 5:
        pytest.fail(
            f"{kubectl} bundles no kustomize v5 ({version.strip()!r}); deploy/k8s needs "
            "kubectl >= 1.27 (Debian 12's kubernetes-client 1.20 is too old)"
        )
    return kubectl


@cache
def render(overlay: str) -> tuple[Manifest, ...]:
    """`kubectl kustomize` of one overlay, as the list of documents it prints."""
    result = subprocess.run(
        [_kubectl(), "kustomize", str(K8S_DIR / "overlays" / overlay)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"kubectl kustomize overlays/{overlay} failed:\n{result.stderr}")
    # kustomize warns on stderr (deprecated fields, for one) and still exits 0.
    assert result.stderr == "", f"kustomize warned on overlays/{overlay}:\n{result.stderr}"
    return tuple(doc for doc in yaml.safe_load_all(result.stdout) if doc)


def only(overlay: str, kind: str) -> Manifest:
    found = [doc for doc in render(overlay) if doc["kind"] == kind]
    assert len(found) == 1, f"overlays/{overlay} renders {len(found)} {kind} objects, expected 1"
    return found[0]


def pod_spec(overlay: str) -> Manifest:
    spec: Manifest = only(overlay, "Deployment")["spec"]["template"]["spec"]
    return spec


def containers(overlay: str) -> list[Manifest]:
    spec = pod_spec(overlay)
    return [*spec.get("initContainers", []), *spec["containers"]]


def settings(overlay: str) -> dict[str, str]:
    env = {e["name"]: e.get("value") for c in containers(overlay) for e in c.get("env", [])}
    config: dict[str, str] = only(overlay, "ConfigMap")["data"]
    return {**config, **env}


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_renders_to_objects_valid_for_kubernetes(overlay: str, version: str) -> None:
    documents = render(overlay)
    assert {"Deployment", "Service", "HorizontalPodAutoscaler"} <= {d["kind"] for d in documents}
    problems = []
    for doc in documents:
        try:  # strict: a misspelled or misplaced field is an error, not silently dropped
            kubernetes_validate.validate(doc, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            field = ".".join(map(str, exc.path)) or "(top level)"
            problems.append(f"{doc['kind']}/{doc['metadata']['name']}: {field}: {exc.message}")
    assert not problems, f"overlays/{overlay} is invalid for Kubernetes {version}:\n" + "\n".join(
        problems
    )


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_probes_hit_bentoml_health_endpoints_on_the_served_port(overlay: str) -> None:
    (container,) = pod_spec(overlay)["containers"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"http": 3000}
    expected = {"readinessProbe": "/readyz", "livenessProbe": "/livez", "startupProbe": "/livez"}
    for probe, path in expected.items():
        get = container[probe]["httpGet"]
        assert get["path"] == path, f"{probe} checks {get['path']}"
        assert ports.get(get["port"], get["port"]) == 3000, f"{probe} checks port {get['port']}"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_container_has_cpu_and_memory_requests_and_limits(overlay: str) -> None:
    for container in containers(overlay):
        resources = container.get("resources", {})
        for bound in ("requests", "limits"):
            assert set(resources.get(bound, {})) >= {"cpu", "memory"}, (
                f"container {container['name']} lacks {bound}"
            )


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_pods_run_as_bentoml_user_with_nothing_to_escalate(overlay: str) -> None:
    spec = pod_spec(overlay)
    pod = spec["securityContext"]
    assert pod["runAsNonRoot"] is True
    assert pod["runAsUser"] == UID
    assert pod["seccompProfile"]["type"] == "RuntimeDefault"
    assert spec["automountServiceAccountToken"] is False
    for container in containers(overlay):
        context = container["securityContext"]
        assert context["allowPrivilegeEscalation"] is False
        assert context["capabilities"]["drop"] == ["ALL"]
        assert context.get("privileged", False) is False
        assert context.get("runAsUser", UID) == UID


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_root_filesystem_is_read_only_but_bentoml_home_and_log_are_writable(overlay: str) -> None:
    (container,) = pod_spec(overlay)["containers"]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    mounts = [m["mountPath"] for m in container["volumeMounts"] if not m.get("readOnly")]
    env = settings(overlay)
    for path in ("/tmp", env["BENTOML_HOME"], env["MLGATE_PREDICTION_LOG_DIR"]):
        assert any(path == m or path.startswith(m.rstrip("/") + "/") for m in mounts), (
            f"{path} is on the read-only root file system"
        )


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_overlay_names_its_environment_and_namespace(overlay: str) -> None:
    assert settings(overlay)["MLGATE_ENVIRONMENT"] == overlay
    for doc in render(overlay):
        namespace = doc["metadata"]["name"] if doc["kind"] == "Namespace" else None
        assert doc["metadata"].get("namespace", namespace) == f"mlgate-{overlay}", doc["kind"]


def image_tag(image: str) -> str:
    """The tag of an image reference: '' when it has none, 'sha256:…' when pinned by digest."""
    if "@" in image:
        return image.split("@", 1)[1]
    return image.rsplit("/", 1)[-1].partition(":")[2]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_overlay_pins_its_own_image_tag_never_latest(overlay: str) -> None:
    for container in containers(overlay):
        image, tag = container["image"], image_tag(container["image"])
        assert tag not in ("", "latest"), f"overlays/{overlay} runs {image}, which floats"
        assert tag == overlay or tag.startswith("sha256:"), f"overlays/{overlay} runs {image}"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_service_hpa_and_disruption_budget_target_the_deployment(overlay: str) -> None:
    deployment = only(overlay, "Deployment")
    assert "replicas" not in deployment["spec"], "the HPA owns the replica count"
    pods = deployment["spec"]["template"]["metadata"]["labels"]
    selector = deployment["spec"]["selector"]["matchLabels"]
    assert selector.items() <= pods.items()
    assert only(overlay, "Service")["spec"]["selector"] == selector
    target = only(overlay, "HorizontalPodAutoscaler")["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", deployment["metadata"]["name"])
    for budget in (d for d in render(overlay) if d["kind"] == "PodDisruptionBudget"):
        assert budget["spec"]["selector"]["matchLabels"].items() <= pods.items()


def test_production_keeps_more_pods_than_staging_and_a_disruption_budget() -> None:
    staging, production = (only(o, "HorizontalPodAutoscaler")["spec"] for o in OVERLAYS)
    assert production["minReplicas"] > staging["minReplicas"]
    assert production["maxReplicas"] >= staging["maxReplicas"]
    budget = only("production", "PodDisruptionBudget")["spec"]
    assert budget.get("maxUnavailable", 0) < production["minReplicas"]
