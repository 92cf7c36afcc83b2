# syntax=docker/dockerfile:1
#
# The ipam-controller image: a release build of the `ipam-controller` product on a distroless,
# non-root runtime.
#
#   docker build -t ghcr.io/swift-ipam/ipam-controller:dev .
#   docker buildx build --platform linux/amd64,linux/arm64 -t ... .   # both bases are multi-arch
#
# Toolchain: the package needs Swift 6.1 or newer (swift-tools-version 6.1). The development
# machine used Swift 6.3.1 (on Debian 12); the image pins swift:6.2-bookworm, a published tag.
# Another toolchain: --build-arg SWIFT_IMAGE=swift:<version>-bookworm (keep it a bookworm image,
# see below).
#
# Why glibc + --static-swift-stdlib on Debian 12, not a fully static musl build:
# - The Swift runtime, Foundation and the other Swift libraries are linked statically
#   (--static-swift-stdlib), so the image needs no Swift runtime: only glibc, libstdc++ and
#   libgcc_s, which gcr.io/distroless/cc-debian12 provides, plus the few system libraries the
#   dependencies link (zlib for AsyncHTTPClient's compression), copied below from the build stage.
# - Build and runtime are the same distribution (Debian 12 "bookworm", glibc 2.36). A build on
#   Ubuntu 24.04 (swift:*-noble, glibc 2.39) can reference glibc 2.38+ symbols (for example
#   __isoc23_strtol, which C code compiled against 2.38+ headers calls) and then fails to start on
#   distroless/cc-debian12 with "GLIBC_2.38 not found".
# - A fully static musl binary (`--swift-sdk <arch>-swift-linux-musl` on gcr.io/distroless/static)
#   would remove even that dependency, but the Static Linux SDK must match the toolchain version
#   exactly and is a separate, checksum-pinned download per release (for 6.2:
#   https://download.swift.org/swift-6.2-release/static-sdk/swift-6.2-RELEASE/swift-6.2-RELEASE_static-linux-0.0.1.artifactbundle.tar.gz,
#   sha256 d2225840e592389ca517bbf71652f7003dbf45ac35d1e57d98b9250368769378), so every toolchain
#   bump needs two coordinated edits, and musl's allocator and DNS resolver behave differently
#   from glibc's. The glibc build of this package's client and runtime libraries was checked on
#   Debian 12 (ldd: libc, libm, libstdc++, libgcc_s, libz; runs as 65532 in a root holding only
#   those); musl was not, so it is not the default.
ARG SWIFT_IMAGE=swift:6.2-bookworm
ARG RUNTIME_IMAGE=gcr.io/distroless/cc-debian12:nonroot

# ---------------------------------------------------------------------------------------------
FROM ${SWIFT_IMAGE} AS build
# Fail a RUN when any command of a pipeline fails, not only the last.
SHELL ["/bin/bash", "-o", "pipefail", "-c"]

# The system libraries the product specification names: libcurl (FoundationNetworking's static
# build links it; the controller itself talks HTTP through AsyncHTTPClient) and libyaml.
# Not version-pinned: the base image tag pins the distribution release; these are its packages.
# hadolint ignore=DL3008
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get -q update \
    && apt-get -q install -y --no-install-recommends libcurl4-openssl-dev libyaml-dev \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src

# Dependencies first, in their own layer: it is rebuilt only when the manifest changes.
# Package.resolved is optional (it is not committed); when present, its versions are used.
COPY Package.swift Package.resolved* ./
RUN swift package resolve

# Then the sources. Tests/ is needed too: the manifest declares the test targets (and a test
# resource directory), and SwiftPM checks every target's directory before building any product.
COPY Sources ./Sources
COPY Tests ./Tests

RUN swift build -c release --product ipam-controller --static-swift-stdlib

# Stage what the runtime image needs under /staging, at the paths it will have there.
# - the binary, without DWARF (about a third of its size) but with its symbol table, so
#   backtraces still name functions;
# - the static crash backtracer (Swift 5.9+), so a crash logs a symbolicated backtrace instead
#   of only "Illegal instruction" (enabled by SWIFT_BACKTRACE below);
# - every shared library the binary needs that distroless/cc-debian12 does not ship (it has
#   glibc, libstdc++, libgcc_s and OpenSSL), at its own path, so the loader finds it there.
# The build fails here if any library cannot be resolved.
RUN set -eu \
    && bin="$(swift build -c release --product ipam-controller --static-swift-stdlib --show-bin-path)" \
    && mkdir -p /staging \
    && install -m 0755 "$bin/ipam-controller" /staging/ipam-controller \
    && strip --strip-debug /staging/ipam-controller \
    && backtracer="$(dirname "$(readlink -f "$(command -v swift)")")/../libexec/swift/linux/swift-backtrace-static" \
    && if [ -f "$backtracer" ]; then install -m 0755 "$backtracer" /staging/swift-backtrace-static; fi \
    && echo "ipam-controller links:" && ldd /staging/ipam-controller \
    && if ldd /staging/ipam-controller | grep -q 'not found'; then echo 'unresolved library' >&2; exit 1; fi \
    && ldd /staging/ipam-controller | awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 }' \
       | while read -r soname path; do \
           case "$soname" in \
             linux-vdso.so.*|ld-linux*|libc.so.*|libm.so.*|libdl.so.*|libpthread.so.*|librt.so.*|libutil.so.*|libresolv.so.*) ;; \
             libstdc++.so.*|libgcc_s.so.*|libssl.so.*|libcrypto.so.*) ;; \
             *) dir="$(dirname "$(readlink -f "$path")")"; mkdir -p "/staging$dir"; \
                cp -L "$path" "/staging$dir/$soname" || exit 1; echo "bundling $soname from $dir" ;; \
           esac; \
         done \
    && /staging/ipam-controller --help >/dev/null

# ---------------------------------------------------------------------------------------------
FROM ${RUNTIME_IMAGE}

LABEL org.opencontainers.image.title="ipam-controller" \
      org.opencontainers.image.description="swift-ipam: Kubernetes IP address management controller"

# CA certificates: distroless ships /etc/ssl/certs/ca-certificates.crt (and tzdata). In a cluster
# the controller trusts the API server through the service account's ca.crt, which the kubelet
# mounts; nothing else needs copying.
COPY --from=build /staging/ /

# On a crash, a symbolicated backtrace of every thread goes to the container log (no prompt).
ENV SWIFT_BACKTRACE=enable=yes,sanitize=yes,threads=all,images=all,interactive=no,swift-backtrace=/swift-backtrace-static

# distroless "nonroot" is 65532:65532; the Deployment also sets runAsUser/runAsNonRoot.
USER 65532:65532
# The metrics (/metrics) and health (/healthz, /readyz) ports the Deployment uses.
EXPOSE 8080 8081
ENTRYPOINT ["/ipam-controller"]
