"""deploy/k8s: valid against Kubernetes' own schemas (offline, strict), and true to the server it deploys."""

from __future__ import annotations

import re
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

DEPLOY = Path(__file__).resolve().parent.parent / "deploy" / "k8s"
CONFIG = (Path(__file__).resolve().parent.parent / "server" / "config.py").read_text()
VERSION = "1.30"
MANIFESTS = sorted(p for p in DEPLOY.glob("*.yaml") if p.name != "kustomization.yaml")


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_every_manifest_is_valid_kubernetes(path):
    kubernetes_validate.validate(_load(path), VERSION, strict=True)


def test_a_mistake_is_caught():
    deployment = _load(DEPLOY / "deployment.yaml")
    deployment["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["port"] = {"x": 1}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, VERSION, strict=True)


def test_the_kustomization_applies_every_manifest_but_the_example_secret():
    listed = set(_load(DEPLOY / "kustomization.yaml")["resources"])
    assert listed == {p.name for p in MANIFESTS} - {"secret.example.yaml"}


def test_the_deployment_matches_the_server():
    config = _load(DEPLOY / "configmap.yaml")["data"]
    for name in config:  # every setting is one the server reads (AWS_* by pyarrow/Trino's conventions)
        assert name.startswith("AWS_") or f'"{name}"' in CONFIG, name
    deployment = _load(DEPLOY / "deployment.yaml")
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["ports"][0]["containerPort"] == int(config["ASGARD_PORT"])
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    secrets = {e["name"] for e in container["env"] if "secretKeyRef" in e.get("valueFrom", {})}
    example = set(_load(DEPLOY / "secret.example.yaml")["stringData"])
    assert secrets == example
    assert all(name.startswith("AWS_") or f'"{name}"' in CONFIG for name in secrets)
    assert not any(re.search(r"://[^/\s]*:[^@/\s]+@", v) for v in config.values())  # no password in the ConfigMap
    assert deployment["spec"]["replicas"] >= 2
    assert pod["securityContext"]["runAsNonRoot"] is True
