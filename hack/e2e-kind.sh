#!/usr/bin/env bash
# End-to-end test against a real cluster in kind (Kubernetes in Docker).
#
# What it does:
#   1. creates a kind cluster (one control plane, two workers, so the controller's two replicas
#      land on different nodes), or reuses one of that name;
#   2. builds the controller image from ./Dockerfile and loads it into the cluster's nodes;
#   3. installs everything with `kubectl apply -k config/default` (CRDs, RBAC, the Deployment);
#   4. waits for the CRDs, the Deployment rollout and a leader;
#   5. runs the e2e suite: IPAM_E2E_KUBECONFIG=<kubeconfig> swift test --filter E2E;
#   6. deletes the cluster, unless KEEP_CLUSTER=1 or the cluster existed before the run.
# The exit status is the test run's (or the first failing step's).
#
# Needs, on the machine that runs it: docker (a running engine), kind (v0.24 or newer, whose
# default node image is Kubernetes 1.31+, as the CRDs' CEL rules require), kubectl and swift.
# The kubeconfig is written to its own file; ~/.kube/config is not touched.
#
# Usage:
#   hack/e2e-kind.sh                        # everything, then tear down
#   KEEP_CLUSTER=1 hack/e2e-kind.sh         # keep the cluster for debugging (prints how to use it)
#   E2E_FILTER=E2E.Pod hack/e2e-kind.sh     # a subset of the suite (a `swift test --filter` pattern)
#   hack/e2e-kind.sh --parallel             # extra arguments go to `swift test`
#
# Environment:
#   CLUSTER_NAME      kind cluster name                              (default: ipam-e2e)
#   KIND_NODE_IMAGE   node image, e.g. kindest/node:v1.31.4           (default: kind's default)
#   KIND_WORKERS      number of worker nodes                         (default: 2)
#   IMAGE             image to build, load and deploy                (default: the one in config/default)
#   SKIP_BUILD=1      do not build; IMAGE must already exist in the local Docker engine
#   KEEP_CLUSTER=1    do not delete the cluster at the end
#   KUBECONFIG_FILE   where to write the cluster's kubeconfig        (default: $TMPDIR/<cluster>.kubeconfig)
#   E2E_FILTER        the `swift test --filter` pattern              (default: E2E)
#   WAIT_SECONDS      how long to wait for the rollout and a leader  (default: 300)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

readonly default_image="ghcr.io/swift-ipam/ipam-controller:latest" # config/default's `images:`
readonly namespace="ipam-system"                                   # config/default's `namespace:`
readonly deployment="ipam-controller"
readonly leader_lease="ipam-controller"                            # --leader-election-id
readonly crds=(ippools.ipam.swift-ipam.io ipclaims.ipam.swift-ipam.io ipleases.ipam.swift-ipam.io)

CLUSTER_NAME="${CLUSTER_NAME:-ipam-e2e}"
KIND_NODE_IMAGE="${KIND_NODE_IMAGE:-}"
KIND_WORKERS="${KIND_WORKERS:-2}"
IMAGE="${IMAGE:-$default_image}"
SKIP_BUILD="${SKIP_BUILD:-0}"
KEEP_CLUSTER="${KEEP_CLUSTER:-0}"
KUBECONFIG_FILE="${KUBECONFIG_FILE:-${TMPDIR:-/tmp}/${CLUSTER_NAME}.kubeconfig}"
WAIT_SECONDS="${WAIT_SECONDS:-300}"
E2E_FILTER="${E2E_FILTER:-E2E}"

log() { printf '\n==> %s\n' "$*" >&2; }
die() { printf 'e2e-kind: %s\n' "$*" >&2; exit 1; }

# --- tools ---------------------------------------------------------------------------------
need() {
    command -v "$1" >/dev/null 2>&1 || die "'$1' is not installed or not on PATH. $2"
}
need docker "Install Docker Engine or Docker Desktop: https://docs.docker.com/get-docker/"
need kind "Install kind v0.24 or newer: https://kind.sigs.k8s.io/docs/user/quick-start/#installation"
need kubectl "Install kubectl: https://kubernetes.io/docs/tasks/tools/"
need swift "Install Swift 6.1 or newer: https://www.swift.org/install/"
docker info >/dev/null 2>&1 || die "docker is installed but its engine is not reachable ('docker info' fails): start Docker, or check DOCKER_HOST and your permissions."
[[ "$KIND_WORKERS" =~ ^[0-9]+$ ]] || die "KIND_WORKERS must be a number, not '$KIND_WORKERS'"
[[ "$WAIT_SECONDS" =~ ^[0-9]+$ ]] || die "WAIT_SECONDS must be a number of seconds, not '$WAIT_SECONDS'"

kc() { kubectl --kubeconfig "$KUBECONFIG_FILE" "$@"; }

# --- teardown and diagnostics ----------------------------------------------------------------
created_cluster=0
diagnostics() {
    log "Diagnostics (namespace $namespace)"
    kc -n "$namespace" get deployment,replicaset,pods,lease -o wide || true
    kc -n "$namespace" describe deployment "$deployment" || true
    kc -n "$namespace" get events --sort-by=.lastTimestamp || true
    kc -n "$namespace" logs -l app.kubernetes.io/name=ipam-controller --all-containers --prefix --tail=200 || true
}
cleanup() {
    local status=$?
    if [[ $status -ne 0 && -f "$KUBECONFIG_FILE" ]]; then diagnostics; fi
    if [[ "$KEEP_CLUSTER" == "1" || $created_cluster -eq 0 ]]; then
        log "Keeping cluster '$CLUSTER_NAME'. Use it with:"
        printf '  export KUBECONFIG=%q\n  kubectl -n %s get pods\n' "$KUBECONFIG_FILE" "$namespace" >&2
        printf 'Delete it with:\n  kind delete cluster --name %q\n' "$CLUSTER_NAME" >&2
    else
        log "Deleting cluster '$CLUSTER_NAME'"
        kind delete cluster --name "$CLUSTER_NAME" --kubeconfig "$KUBECONFIG_FILE" || true
        rm -f "$KUBECONFIG_FILE"
    fi
    exit "$status"
}
trap cleanup EXIT

# --- 1. cluster ------------------------------------------------------------------------------
if kind get clusters 2>/dev/null | grep -qx "$CLUSTER_NAME"; then
    log "Reusing existing kind cluster '$CLUSTER_NAME' (it will be kept)"
    kind get kubeconfig --name "$CLUSTER_NAME" >"$KUBECONFIG_FILE"
else
    log "Creating kind cluster '$CLUSTER_NAME' with $KIND_WORKERS worker(s)"
    kind_config="$(mktemp)"
    {
        echo "kind: Cluster"
        echo "apiVersion: kind.x-k8s.io/v1alpha4"
        echo "nodes:"
        echo "- role: control-plane"
        for ((i = 0; i < KIND_WORKERS; i++)); do echo "- role: worker"; done
    } >"$kind_config"
    create_args=(create cluster --name "$CLUSTER_NAME" --config "$kind_config" --kubeconfig "$KUBECONFIG_FILE" --wait 180s)
    if [[ -n "$KIND_NODE_IMAGE" ]]; then create_args+=(--image "$KIND_NODE_IMAGE"); fi
    created_cluster=1
    kind "${create_args[@]}"
    rm -f "$kind_config"
fi

server_minor="$(kc get --raw /version | sed -n 's/.*"minor"[[:space:]]*:[[:space:]]*"\([0-9]*\).*/\1/p')"
if [[ -n "$server_minor" && "$server_minor" -lt 31 ]]; then
    die "the cluster runs Kubernetes 1.$server_minor; the CRDs need 1.31 or newer (CEL IP/CIDR libraries). Set KIND_NODE_IMAGE=kindest/node:v1.31.<patch> or newer, or upgrade kind."
fi

# --- 2. image --------------------------------------------------------------------------------
if [[ "$SKIP_BUILD" == "1" ]]; then
    log "Skipping the build; using $IMAGE"
    docker image inspect "$IMAGE" >/dev/null 2>&1 || die "SKIP_BUILD=1 but image '$IMAGE' is not in the local Docker engine"
else
    log "Building $IMAGE (the first build downloads the Swift toolchain image and takes a while)"
    docker build -t "$IMAGE" "$repo_root"
fi
log "Loading $IMAGE into the cluster's nodes"
kind load docker-image "$IMAGE" --name "$CLUSTER_NAME"

# --- 3. install -------------------------------------------------------------------------------
# The Deployment's imagePullPolicy is IfNotPresent, so the nodes use the loaded image even for
# the `latest` tag. Another IMAGE replaces the default one in the rendered manifests; config/ is
# not edited.
if [[ "$IMAGE" == "$default_image" ]]; then
    log "kubectl apply -k config/default"
    kc apply -k "$repo_root/config/default"
else
    log "kubectl apply -k config/default, with image $IMAGE"
    manifests="$(kubectl kustomize "$repo_root/config/default")"
    grep -q "image: $default_image\$" <<<"$manifests" || die "config/default no longer renders image $default_image; update default_image in $0"
    printf '%s\n' "${manifests//"image: $default_image"/image: $IMAGE}" | kc apply -f -
fi

# --- 4. wait ---------------------------------------------------------------------------------
log "Waiting for the CRDs to be established"
for crd in "${crds[@]}"; do
    kc wait --for=condition=Established "crd/$crd" --timeout=60s
done

log "Waiting for deployment/$deployment to roll out"
kc -n "$namespace" rollout status "deployment/$deployment" --timeout="${WAIT_SECONDS}s"
kc -n "$namespace" wait --for=condition=Available "deployment/$deployment" --timeout="${WAIT_SECONDS}s"

log "Waiting for a leader (Lease $namespace/$leader_lease)"
deadline=$((SECONDS + WAIT_SECONDS))
leader=""
while [[ -z "$leader" ]]; do
    leader="$(kc -n "$namespace" get lease "$leader_lease" -o jsonpath='{.spec.holderIdentity}' 2>/dev/null || true)"
    [[ -n "$leader" ]] && break
    ((SECONDS < deadline)) || die "no replica became leader within ${WAIT_SECONDS}s"
    sleep 2
done
log "Leader: $leader"
kc -n "$namespace" get pods -o wide

# --- 5. tests --------------------------------------------------------------------------------
log "Running the e2e suite: IPAM_E2E_KUBECONFIG=$KUBECONFIG_FILE swift test --filter $E2E_FILTER $*"
IPAM_E2E_KUBECONFIG="$KUBECONFIG_FILE" swift test --filter "$E2E_FILTER" "$@"
log "e2e suite passed"
