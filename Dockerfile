# The Overseer worker image (docker-compose.yml): Node, git, Claude Code, and Overseer as its npm package ships it —
# the compiled code (dist/) with its prebuilt workflow bundle (the same with tracing on or off), so a worker never
# bundles at start and its default build id is fixed by the image's code.
FROM node:22-bookworm-slim AS build
WORKDIR /opt/overseer
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends git ca-certificates && rm -rf /var/lib/apt/lists/* \
  && npm install -g @anthropic-ai/claude-code@2.1.329
WORKDIR /opt/overseer
# What the npm package holds (package.json "files"), and its production dependencies.
COPY --from=build /opt/overseer/package.json /opt/overseer/package-lock.json ./
COPY --from=build /opt/overseer/node_modules ./node_modules
COPY --from=build /opt/overseer/bin ./bin
COPY --from=build /opt/overseer/dist ./dist
COPY --from=build /opt/overseer/schema ./schema
COPY --from=build /opt/overseer/examples ./examples
# bin/overseer.js runs the compiled CLI.
ENV OVERSEER_DIST=1
# The worker's build id in the Worker Deployment `overseer` (README "Deploying a new Overseer"). Empty: the package
# version plus a hash of the prebuilt workflow bundle, computed at start. `docker build --build-arg OVERSEER_BUILD_ID=v2 .`
ARG OVERSEER_BUILD_ID=""
ENV OVERSEER_BUILD_ID=${OVERSEER_BUILD_ID}
# The worker's state (Claude Code's config, the host's workdir): the volume docker-compose.yml mounts here, owned by
# the unprivileged user the worker runs as (Claude Code refuses some modes as root).
RUN mkdir -p /var/lib/overseer && chown node:node /var/lib/overseer
# Prometheus metrics (`--metrics-port 9464` in docker-compose.yml).
EXPOSE 9464
USER node
ENTRYPOINT ["node", "bin/overseer.js"]
CMD ["worker", "--metrics-port", "9464"]
