# The Overseer worker image (docker-compose.yml): Node, git, and Claude Code.
FROM node:22-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends git ca-certificates && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/overseer
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm install -g @anthropic-ai/claude-code@2.1.329
COPY . .
# The worker's build id in the Worker Deployment `overseer` (README "Deploying a new Overseer"). Empty: the package
# version plus a hash of the workflow sources, computed at start. `docker build --build-arg OVERSEER_BUILD_ID=v2 .`
ARG OVERSEER_BUILD_ID=""
ENV OVERSEER_BUILD_ID=${OVERSEER_BUILD_ID}
# Prometheus metrics (`--metrics-port 9464` in docker-compose.yml).
EXPOSE 9464
# Claude Code refuses some modes as root; the worker runs as the image's unprivileged user.
USER node
ENTRYPOINT ["node", "bin/overseer.js"]
