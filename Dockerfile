# The Overseer worker image (docker-compose.yml): Node, git, and Claude Code.
FROM node:22-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends git ca-certificates && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/overseer
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm install -g @anthropic-ai/claude-code@2.1.329
COPY . .
# Claude Code refuses some modes as root; the worker runs as the image's unprivileged user.
USER node
ENTRYPOINT ["node", "bin/overseer.js"]
