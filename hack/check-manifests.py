#!/usr/bin/env python3
"""Offline consistency checks for the kustomize tree under config/ (no cluster needed).

    hack/check-manifests.py                 # render with `kustomize` or `kubectl kustomize` if found
    hack/check-manifests.py --builtin       # always use the small built-in renderer

Checks:
  - every YAML file under config/ and crds/ parses;
  - every kustomization's resources/components exist (a file, or a directory with a kustomization);
  - config/default renders (also with the optional prometheus component enabled);
  - labels and selectors agree: Deployment selector, Service, PodDisruptionBudget, topology spread,
    ServiceMonitor -> Service;
  - ports agree with the controller's flags: --metrics-bind-address / --health-probe-bind-address
    ports are the container ports named `metrics` / `health`, which the probes, the Service and the
    ServiceMonitor use by name;
  - RBAC: bindings name existing roles and the controller's ServiceAccount in its namespace; the
    ClusterRole and the leader-election Role grant exactly the expected rules;
  - the Deployment passes only flags the executable declares (Sources/IPAMControllerCommand);
  - the Deployment's security context, downward-API env, replicas, grace period and image.

Needs PyYAML (`pip install pyyaml`). Exits 1 and lists every problem if any check fails.
"""
from __future__ import annotations

import argparse
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

try:
    import yaml
except ImportError:  # pragma: no cover
    sys.exit("check-manifests: PyYAML is required: pip install pyyaml")

ROOT = pathlib.Path(__file__).resolve().parent.parent
NAMESPACE = "ipam-system"
IMAGE = "ghcr.io/swift-ipam/ipam-controller:latest"
SERVICE_ACCOUNT = "ipam-controller"
GROUP = "ipam.swift-ipam.io"

# The flags of the ipam-controller executable (Sources/ipam-controller).
KNOWN_FLAGS = {
    "--kubeconfig", "--context", "--metrics-bind-address", "--health-probe-bind-address",
    "--workers", "--leader-elect", "--leader-election-namespace", "--leader-election-id",
    "--lease-duration", "--renew-deadline", "--retry-period", "--resync-period",
    "--orphan-grace-period", "--log-level", "--log-format", "--kube-api-qps", "--kube-api-burst",
}

# The same list as the executable declares it (ControllerCommand.optionNames), when present, so
# that a renamed flag fails here rather than in a crash-looping Pod.
COMMAND_SOURCE = ROOT / "Sources" / "IPAMControllerCommand" / "ControllerCommand.swift"


def declared_flags() -> set[str] | None:
    if not COMMAND_SOURCE.is_file():
        return None
    match = re.search(r"optionNames\s*=\s*\[(.*?)\]", COMMAND_SOURCE.read_text(), re.S)
    if not match:
        return None
    return {"--" + name for name in re.findall(r'"([a-z0-9-]+)"', match.group(1))}


# (apiGroup, resource) -> verbs: exactly what the controller's ClusterRole must grant.
EXPECTED_CLUSTER_RULES = {
    (GROUP, "ippools"): {"get", "list", "watch", "patch", "update"},
    (GROUP, "ippools/status"): {"get", "update", "patch"},
    (GROUP, "ippools/finalizers"): {"update"},
    (GROUP, "ipclaims"): {"get", "list", "watch", "create", "delete", "patch", "update"},
    (GROUP, "ipclaims/status"): {"get", "update", "patch"},
    (GROUP, "ipclaims/finalizers"): {"update"},
    (GROUP, "ipleases"): {"get", "list", "watch", "create", "delete", "patch", "update"},
    (GROUP, "ipleases/status"): {"get", "update", "patch"},
    ("", "pods"): {"get", "list", "watch", "patch"},
    ("", "namespaces"): {"get", "list", "watch"},
    ("events.k8s.io", "events"): {"create", "patch"},
}
EXPECTED_LEADER_RULES = {("coordination.k8s.io", "leases"): {"get", "create", "update"}}

CLUSTER_SCOPED = {
    "Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding",
    "IPPool", "IPLease", "PriorityClass",
}

problems: list[str] = []


def problem(message: str) -> None:
    problems.append(message)


# --------------------------------------------------------------------------------------------
# Parsing and kustomization structure


def load_all(path: pathlib.Path) -> list[dict]:
    with path.open() as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def check_yaml_parses() -> None:
    for base in (ROOT / "config", ROOT / "crds"):
        for path in sorted(base.rglob("*.y*ml")):
            try:
                load_all(path)
            except yaml.YAMLError as error:
                problem(f"{path.relative_to(ROOT)}: does not parse: {error}")


def kustomization_file(directory: pathlib.Path) -> pathlib.Path | None:
    for name in ("kustomization.yaml", "kustomization.yml", "Kustomization"):
        if (directory / name).is_file():
            return directory / name
    return None


def check_kustomization_references() -> None:
    for path in sorted((ROOT / "config").rglob("kustomization.y*ml")) + [ROOT / "crds" / "kustomization.yaml"]:
        document = load_all(path)[0]
        for key in ("resources", "components"):
            for entry in document.get(key) or []:
                target = (path.parent / entry).resolve()
                if target.is_file():
                    continue
                if target.is_dir() and kustomization_file(target):
                    continue
                problem(f"{path.relative_to(ROOT)}: {key} entry {entry!r} is neither a file nor a kustomization directory")


# --------------------------------------------------------------------------------------------
# Rendering: a real kustomize when available, otherwise a small subset (resources, components,
# namespace, images, labels without selectors) that is enough for this tree.


def builtin_render(directory: pathlib.Path) -> list[dict]:
    document = load_all(kustomization_file(directory))[0]
    objects: list[dict] = []
    for entry in document.get("resources") or []:
        target = (directory / entry).resolve()
        objects += builtin_render(target) if target.is_dir() else load_all(target)
    for entry in document.get("components") or []:
        objects += builtin_render((directory / entry).resolve())
    namespace = document.get("namespace")
    for obj in objects:
        if namespace:
            if obj["kind"] == "Namespace":
                obj["metadata"]["name"] = namespace
            elif obj["kind"] not in CLUSTER_SCOPED:
                obj["metadata"]["namespace"] = namespace
            if obj["kind"] in ("RoleBinding", "ClusterRoleBinding"):
                for subject in obj.get("subjects") or []:
                    if subject.get("kind") == "ServiceAccount":
                        subject["namespace"] = namespace
        for label_set in document.get("labels") or []:
            obj["metadata"].setdefault("labels", {}).update(label_set.get("pairs") or {})
        for image in document.get("images") or []:
            for container in pod_containers(obj):
                name = container["image"].split("@")[0]
                if ":" in name.split("/")[-1]:
                    name = name.rsplit(":", 1)[0]
                if name == image["name"]:
                    new = image.get("newName", name)
                    if "digest" in image:
                        container["image"] = f"{new}@{image['digest']}"
                    else:
                        container["image"] = f"{new}:{image.get('newTag', 'latest')}"
    return objects


def pod_containers(obj: dict) -> list[dict]:
    spec = (((obj.get("spec") or {}).get("template") or {}).get("spec")) if obj.get("kind") == "Deployment" else None
    if not spec:
        return []
    return (spec.get("containers") or []) + (spec.get("initContainers") or [])


def external_renderer() -> list[str] | None:
    if shutil.which("kustomize"):
        return ["kustomize", "build"]
    if shutil.which("kubectl"):
        return ["kubectl", "kustomize"]
    return None


def render(directory: pathlib.Path, builtin: bool) -> list[dict]:
    command = None if builtin else external_renderer()
    if command is None:
        return builtin_render(directory)
    result = subprocess.run(command + [str(directory)], capture_output=True, text=True)
    if result.returncode != 0:
        problem(f"{' '.join(command)} {directory.relative_to(ROOT) if directory.is_relative_to(ROOT) else directory} failed: {result.stderr.strip()}")
        return []
    return [d for d in yaml.safe_load_all(result.stdout) if d is not None]


def render_with_prometheus(builtin: bool) -> list[dict]:
    """config/default with its commented-out `components: [../prometheus]` enabled."""
    with tempfile.TemporaryDirectory(dir=ROOT / "config", prefix=".check-") as scratch:
        overlay = pathlib.Path(scratch)
        (overlay / "kustomization.yaml").write_text(
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
            "resources:\n- ../default\ncomponents:\n- ../prometheus\n"
        )
        return render(overlay, builtin)


# --------------------------------------------------------------------------------------------
# Consistency


def one(objects: list[dict], kind: str, name: str | None = None) -> dict | None:
    found = [o for o in objects if o["kind"] == kind and (name is None or o["metadata"]["name"] == name)]
    if len(found) != 1:
        problem(f"expected exactly one {kind}{' ' + name if name else ''}, found {len(found)}")
        return None
    return found[0]


def selects(selector: dict | None, labels: dict | None) -> bool:
    selector, labels = selector or {}, labels or {}
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def port_of(bind_address: str) -> int | None:
    try:
        return int(bind_address.rsplit(":", 1)[1])
    except (IndexError, ValueError):
        return None


def parse_args(args: list[str]) -> dict[str, str | bool]:
    flags: dict[str, str | bool] = {}
    iterator = iter(args)
    for arg in iterator:
        if not arg.startswith("--"):
            problem(f"Deployment: unexpected positional argument {arg!r}")
            continue
        name, has_value, value = arg.partition("=")
        if name not in KNOWN_FLAGS:
            problem(f"Deployment: unknown controller flag {name!r}")
        declared = declared_flags()
        if declared is not None and name not in declared:
            problem(f"Deployment: flag {name!r} is not declared in {COMMAND_SOURCE.relative_to(ROOT)}")
        flags[name] = value if has_value else True
    return flags


def rule_map(rules: list[dict], what: str) -> dict[tuple[str, str], set[str]]:
    granted: dict[tuple[str, str], set[str]] = {}
    for rule in rules:
        if rule.get("resourceNames") or rule.get("nonResourceURLs"):
            problem(f"{what}: unexpected resourceNames/nonResourceURLs in {rule}")
        for group in rule.get("apiGroups") or []:
            for resource in rule.get("resources") or []:
                granted.setdefault((group, resource), set()).update(rule.get("verbs") or [])
    return granted


def compare_rules(granted: dict, expected: dict, what: str) -> None:
    for key in sorted(set(granted) | set(expected)):
        if granted.get(key, set()) != expected.get(key, set()):
            group = key[0] or "core"
            problem(f"{what}: {group} {key[1]} grants {sorted(granted.get(key, set()))}, expected {sorted(expected.get(key, set()))}")


def check_rendered(objects: list[dict], with_prometheus: bool) -> None:
    where = "config/default" + (" + prometheus" if with_prometheus else "")

    for obj in objects:
        kind, meta = obj["kind"], obj["metadata"]
        if kind not in CLUSTER_SCOPED and meta.get("namespace") != NAMESPACE:
            problem(f"{where}: {kind} {meta['name']} is in namespace {meta.get('namespace')!r}, not {NAMESPACE}")
        if kind in CLUSTER_SCOPED and "namespace" in meta:
            problem(f"{where}: cluster-scoped {kind} {meta['name']} has a namespace")

    namespace = one(objects, "Namespace", NAMESPACE)
    crds = {o["metadata"]["name"] for o in objects if o["kind"] == "CustomResourceDefinition"}
    for name in ("ippools", "ipclaims", "ipleases"):
        if f"{name}.{GROUP}" not in crds:
            problem(f"{where}: CRD {name}.{GROUP} missing")

    account = one(objects, "ServiceAccount", SERVICE_ACCOUNT)
    deployment = one(objects, "Deployment", "ipam-controller")
    if deployment is None or account is None or namespace is None:
        return

    spec = deployment["spec"]
    template = spec["template"]
    pod_labels = template["metadata"].get("labels") or {}
    pod = template["spec"]
    if spec.get("replicas") != 2:
        problem(f"{where}: Deployment replicas is {spec.get('replicas')}, expected 2")
    if not selects(spec["selector"].get("matchLabels"), pod_labels):
        problem(f"{where}: Deployment selector {spec['selector']} does not match its Pod labels {pod_labels}")
    if pod.get("serviceAccountName") != SERVICE_ACCOUNT:
        problem(f"{where}: Pod serviceAccountName is {pod.get('serviceAccountName')!r}")
    if pod.get("terminationGracePeriodSeconds") != 30:
        problem(f"{where}: terminationGracePeriodSeconds is {pod.get('terminationGracePeriodSeconds')}, expected 30")
    spread = pod.get("topologySpreadConstraints") or []
    anti = ((pod.get("affinity") or {}).get("podAntiAffinity"))
    if not spread and not anti:
        problem(f"{where}: neither topologySpreadConstraints nor podAntiAffinity spreads the replicas")
    for constraint in spread:
        if not selects((constraint.get("labelSelector") or {}).get("matchLabels"), pod_labels):
            problem(f"{where}: topology spread selector does not match the Pod labels")
    if not any(c.get("topologyKey") == "kubernetes.io/hostname" for c in spread) and not anti:
        problem(f"{where}: no spreading across nodes (topologyKey kubernetes.io/hostname)")

    pod_security = pod.get("securityContext") or {}
    if pod_security.get("runAsNonRoot") is not True or pod_security.get("runAsUser") != 65532:
        problem(f"{where}: Pod securityContext must set runAsNonRoot and runAsUser 65532")
    if (pod_security.get("seccompProfile") or {}).get("type") != "RuntimeDefault":
        problem(f"{where}: Pod seccompProfile must be RuntimeDefault")

    containers = pod.get("containers") or []
    if len(containers) != 1:
        problem(f"{where}: expected one container, found {len(containers)}")
        return
    container = containers[0]
    if container.get("image") != IMAGE:
        problem(f"{where}: image is {container.get('image')!r}, expected {IMAGE}")
    security = container.get("securityContext") or {}
    expectations = {
        "runAsNonRoot": True, "runAsUser": 65532, "readOnlyRootFilesystem": True,
        "allowPrivilegeEscalation": False,
    }
    for key, value in expectations.items():
        if security.get(key) != value:
            problem(f"{where}: container securityContext.{key} is {security.get(key)!r}, expected {value!r}")
    if (security.get("capabilities") or {}).get("drop") != ["ALL"]:
        problem(f"{where}: container must drop ALL capabilities")
    if (security.get("seccompProfile") or pod_security.get("seccompProfile") or {}).get("type") != "RuntimeDefault":
        problem(f"{where}: container seccompProfile must be RuntimeDefault")
    resources = container.get("resources") or {}
    if not (resources.get("requests") or {}).get("cpu") or not (resources.get("requests") or {}).get("memory"):
        problem(f"{where}: container needs cpu and memory requests")
    if not (resources.get("limits") or {}).get("memory"):
        problem(f"{where}: container needs a memory limit")

    env = {e["name"]: e for e in container.get("env") or []}
    for name, field in (("POD_NAME", "metadata.name"), ("POD_NAMESPACE", "metadata.namespace")):
        path = ((env.get(name) or {}).get("valueFrom") or {}).get("fieldRef", {}).get("fieldPath")
        if path != field:
            problem(f"{where}: env {name} must come from the downward API fieldPath {field}, has {path!r}")

    flags = parse_args(list(container.get("command") or [])[1:] + list(container.get("args") or []))
    if flags.get("--leader-elect") is not True:
        problem(f"{where}: the Deployment must pass --leader-elect")
    ports = {p.get("name"): p.get("containerPort") for p in container.get("ports") or []}
    for port_name, flag, default in (("metrics", "--metrics-bind-address", 8080), ("health", "--health-probe-bind-address", 8081)):
        bound = port_of(str(flags[flag])) if isinstance(flags.get(flag), str) else default
        if port_name not in ports:
            problem(f"{where}: no container port named {port_name!r}")
        elif ports[port_name] != bound:
            problem(f"{where}: container port {port_name} is {ports[port_name]}, but {flag} binds {bound}")
    for probe_name, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
        get = (container.get(probe_name) or {}).get("httpGet") or {}
        if get.get("path") != path or get.get("port") not in ("health", ports.get("health")):
            problem(f"{where}: {probe_name} must GET {path} on port health, has {get}")

    # Services, PDB, ServiceMonitor.
    service = one(objects, "Service", "ipam-controller-metrics")
    if service is not None:
        if not selects(service["spec"].get("selector"), pod_labels):
            problem(f"{where}: Service {service['metadata']['name']} selector does not match the Pod labels")
        service_ports = service["spec"].get("ports") or []
        if not any(p.get("name") == "metrics" and p.get("targetPort") in ("metrics", ports.get("metrics")) for p in service_ports):
            problem(f"{where}: Service has no port `metrics` targeting the container port `metrics`")
    pdb = one(objects, "PodDisruptionBudget", "ipam-controller")
    if pdb is not None:
        if pdb["spec"].get("minAvailable") != 1:
            problem(f"{where}: PodDisruptionBudget minAvailable is {pdb['spec'].get('minAvailable')}, expected 1")
        if not selects((pdb["spec"].get("selector") or {}).get("matchLabels"), pod_labels):
            problem(f"{where}: PodDisruptionBudget selector does not match the Pod labels")
    monitors = [o for o in objects if o["kind"] == "ServiceMonitor"]
    if with_prometheus:
        if len(monitors) != 1:
            problem(f"{where}: expected one ServiceMonitor, found {len(monitors)}")
        elif service is not None:
            monitor = monitors[0]
            if not selects((monitor["spec"].get("selector") or {}).get("matchLabels"), service["metadata"].get("labels")):
                problem(f"{where}: ServiceMonitor selector does not match the metrics Service's labels")
            names = (monitor["spec"].get("namespaceSelector") or {}).get("matchNames")
            if names is not None and service["metadata"]["namespace"] not in names:
                problem(f"{where}: ServiceMonitor namespaceSelector does not include the Service's namespace")
            for endpoint in monitor["spec"].get("endpoints") or []:
                if endpoint.get("port") not in {p.get("name") for p in service["spec"].get("ports") or []}:
                    problem(f"{where}: ServiceMonitor endpoint port {endpoint.get('port')!r} is not a Service port name")
                if endpoint.get("path", "/metrics") != "/metrics":
                    problem(f"{where}: ServiceMonitor scrapes {endpoint.get('path')}, not /metrics")
    elif monitors:
        problem(f"{where}: the ServiceMonitor must be optional (only with the prometheus component)")

    # RBAC.
    roles = {(o["kind"], o["metadata"].get("namespace"), o["metadata"]["name"]): o for o in objects if o["kind"] in ("Role", "ClusterRole")}
    bindings = [o for o in objects if o["kind"] in ("RoleBinding", "ClusterRoleBinding")]
    granted_roles = []
    for binding in bindings:
        ref = binding["roleRef"]
        namespace_of_role = binding["metadata"].get("namespace") if ref["kind"] == "Role" else None
        role = roles.get((ref["kind"], namespace_of_role, ref["name"]))
        if role is None:
            problem(f"{where}: {binding['kind']} {binding['metadata']['name']} refers to missing {ref['kind']} {ref['name']}")
            continue
        subjects = binding.get("subjects") or []
        if not any(s.get("kind") == "ServiceAccount" and s.get("name") == SERVICE_ACCOUNT and s.get("namespace") == account["metadata"]["namespace"] for s in subjects):
            problem(f"{where}: {binding['kind']} {binding['metadata']['name']} does not bind ServiceAccount {account['metadata']['namespace']}/{SERVICE_ACCOUNT}")
        granted_roles.append(role)
    cluster_roles = [r for r in granted_roles if r["kind"] == "ClusterRole"]
    namespaced = [r for r in granted_roles if r["kind"] == "Role"]
    if len(cluster_roles) != 1:
        problem(f"{where}: expected one bound ClusterRole, found {len(cluster_roles)}")
    else:
        compare_rules(rule_map(cluster_roles[0].get("rules") or [], "ClusterRole"), EXPECTED_CLUSTER_RULES, "ClusterRole")
    if len(namespaced) != 1:
        problem(f"{where}: expected one bound leader-election Role, found {len(namespaced)}")
    else:
        role = namespaced[0]
        compare_rules(rule_map(role.get("rules") or [], "Role"), EXPECTED_LEADER_RULES, "leader-election Role")
        election_namespace = flags.get("--leader-election-namespace")
        if isinstance(election_namespace, str) and election_namespace != role["metadata"]["namespace"]:
            problem(f"{where}: --leader-election-namespace {election_namespace} is not the Role's namespace")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--builtin", action="store_true", help="use the built-in renderer even if kustomize/kubectl exist")
    options = parser.parse_args()

    check_yaml_parses()
    check_kustomization_references()
    renderer = "built-in renderer" if options.builtin or external_renderer() is None else " ".join(external_renderer())
    for directory in ("crd", "rbac", "manager"):
        if not render(ROOT / "config" / directory, options.builtin):
            problem(f"config/{directory} renders nothing")
    check_rendered(render(ROOT / "config" / "default", options.builtin), with_prometheus=False)
    check_rendered(render_with_prometheus(options.builtin), with_prometheus=True)

    if problems:
        print(f"check-manifests ({renderer}): {len(problems)} problem(s)", file=sys.stderr)
        for message in problems:
            print(f"  - {message}", file=sys.stderr)
        return 1
    print(f"check-manifests ({renderer}): config/ is consistent")
    return 0


if __name__ == "__main__":
    sys.exit(main())
