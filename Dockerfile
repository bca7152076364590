# syntax=docker/dockerfile:1
# Ladder's one image: the GitHub App (`ladder app`) and the in-cluster agent (`ladder agent`).
#   docker build -t ladder .
#   docker run ladder app            docker run ladder agent --config /etc/ladder/agent.yaml
# NODE_IMAGE is any Debian image with Node 24 and npm under /usr/local, as the official node
# image has them; CI builds on one made from Debian packages and the npm registry (docs/image.md).
ARG NODE_IMAGE=docker.io/library/node:24-trixie-slim
# The Go toolchain that builds sops, which the agent runs to decrypt SOPS-encrypted files
# (docs/secrets.md), and helm and kustomize, which the App runs to render charts and overlays
# (docs/renderers.md). CI builds on the local base with the host's Go mounted (docs/image.md).
ARG GO_IMAGE=docker.io/library/golang:1.26-trixie

# sops (the agent decrypts SOPS-encrypted files with it), helm and kustomize (the App renders charts
# and overlays with them) from their Go modules, pinned as in test/bed/build-binaries.sh;
# cross-compiled on the build platform.
FROM --platform=$BUILDPLATFORM ${GO_IMAGE} AS go-tools
ARG SOPS_VERSION=v3.13.3
ARG HELM_VERSION=v4.3.2
ARG KUSTOMIZE_VERSION=v5.8.2
ARG TARGETOS=linux
ARG TARGETARCH
# CI passes its module cache as GOPROXY (mounted): the modules build-binaries.sh fetched.
ARG GOPROXY=https://proxy.golang.org,direct
ARG GOSUMDB=sum.golang.org
ENV PATH=/usr/local/go/bin:$PATH GOPATH=/go GOTOOLCHAIN=local
# helm's module hard-codes "v4.3"; the ldflag gives the patch, so `helm version` names the pin.
RUN export GOOS="$TARGETOS" GOARCH="${TARGETARCH:-$(go env GOARCH)}" CGO_ENABLED=0 \
 && go install -trimpath -ldflags '-s -w' "github.com/getsops/sops/v3/cmd/sops@$SOPS_VERSION" \
 && go install -trimpath -ldflags "-s -w -X helm.sh/helm/v4/internal/version.version=$HELM_VERSION" "helm.sh/helm/v4/cmd/helm@$HELM_VERSION" \
 && go install -trimpath -ldflags '-s -w' "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION" \
 && mkdir -p /out && for tool in sops helm kustomize; do cp "$(find /go/bin -name "$tool" -type f | head -n 1)" "/out/$tool"; done

# The compiled JavaScript is the same for every platform: build it once, natively, even for arm64.
FROM --platform=$BUILDPLATFORM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are here.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && chmod 755 dist/cli/main.js

# /app as it runs: production dependencies only, the compiled code, schemas and templates.
FROM ${NODE_IMAGE} AS app
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY src/schemas ./src/schemas
COPY templates ./templates
COPY --from=build /src/dist ./dist

FROM ${NODE_IMAGE}
# tini is PID 1: it forwards SIGTERM to ladder and reaps orphans. No package manager is left at run time.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* /usr/local/lib/node_modules /usr/local/bin/npm /usr/local/bin/npx \
           /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-* \
 && ln -s /app/dist/cli/main.js /usr/local/bin/ladder
# Owned by root: the process cannot change its own code, even where the root filesystem is writable.
COPY --from=app /app /app
COPY --from=go-tools /out/sops /out/helm /out/kustomize /usr/local/bin/
WORKDIR /app
ENV NODE_ENV=production
USER 1000:1000
ENTRYPOINT ["/usr/bin/tini", "--", "ladder"]
CMD ["--help"]
