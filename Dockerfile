# syntax=docker/dockerfile:1
# Ladder's one image: the GitHub App (`ladder app`) and the in-cluster agent (`ladder agent`).
#   docker build -t ladder .
#   docker run ladder app            docker run ladder agent --config /etc/ladder/agent.yaml
# NODE_IMAGE is any Debian image with Node 24 and npm under /usr/local, as the official node
# image has them; CI builds on one made from Debian packages and the npm registry (docs/image.md).
ARG NODE_IMAGE=docker.io/library/node:24-trixie-slim

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
WORKDIR /app
ENV NODE_ENV=production
USER 1000:1000
ENTRYPOINT ["/usr/bin/tini", "--", "ladder"]
CMD ["--help"]
